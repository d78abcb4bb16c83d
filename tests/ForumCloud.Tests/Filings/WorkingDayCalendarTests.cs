using ForumCloud.Functions.Filings;

namespace ForumCloud.Tests.Filings;

public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.LoadSeed();

    private static DateOnly D(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_seed_covers_2026_officially_and_2027_as_a_projection() 
    {
        Assert.Equal("official", Calendar.Years[2026]);
        Assert.Equal("projected", Calendar.Years[2027]);
        Assert.False(Calendar.Covers(2028));
    }

    [Theory]
    [InlineData("2026-03-13", 3, "2026-03-18")] // Friday: the weekend is skipped
    [InlineData("2026-03-14", 3, "2026-03-18")] // Saturday: counting starts on Monday
    [InlineData("2026-03-16", 3, "2026-03-19")] // Monday
    [InlineData("2026-03-16", 0, "2026-03-16")]
    public void Weekends_do_not_count(string start, int days, string due) =>
        Assert.Equal(D(due), Calendar.AddWorkingDays(D(start), days));

    [Theory]
    [InlineData("2026-09-30", 3, "2026-10-10")] // National Day 1–7 Oct off; Thu 8, Fri 9, and Saturday 10 (make-up day)
    [InlineData("2026-10-08", 2, "2026-10-10")]
    [InlineData("2026-09-18", 2, "2026-09-21")] // Fri 18 → Sun 20 (make-up day), Mon 21
    [InlineData("2026-04-03", 1, "2026-04-07")] // Qingming 4–6 April
    [InlineData("2026-02-12", 3, "2026-02-24")] // Spring Festival: Fri 13, Sat 14 (make-up), 15–23 off, Tue 24
    public void Holidays_are_skipped_and_make_up_days_count(string start, int days, string due) =>
        Assert.Equal(D(due), Calendar.AddWorkingDays(D(start), days));

    [Theory]
    [InlineData("2026-02-14", true)] // Saturday make-up day
    [InlineData("2026-02-28", true)]
    [InlineData("2026-09-20", true)] // Sunday make-up day
    [InlineData("2026-01-04", true)]
    [InlineData("2026-02-16", false)] // Monday in the Spring Festival
    [InlineData("2026-05-05", false)] // Tuesday, Labour Day holiday
    [InlineData("2026-06-19", false)] // Friday, Dragon Boat
    [InlineData("2026-03-21", false)] // ordinary Saturday
    [InlineData("2026-03-20", true)] // ordinary Friday
    public void Days_are_classified(string date, bool working) => Assert.Equal(working, Calendar.IsWorkingDay(D(date)));

    [Fact]
    public void Counting_runs_across_the_year_end_and_new_years_day()
    {
        // Thu 31 Dec 2026 → Fri 1 Jan 2027 (holiday), weekend 2–3 (holiday), Mon 4, Tue 5, Wed 6.
        Assert.Equal(D("2027-01-06"), Calendar.AddWorkingDays(D("2026-12-31"), 3));
        // Wed 31 Dec 2025 → Thu 1 – Sat 3 Jan 2026 off, Sun 4 Jan 2026 is a make-up working day.
        Assert.Equal(D("2026-01-04"), Calendar.AddWorkingDays(D("2025-12-31"), 1));
    }

    [Fact]
    public void Thirty_working_days_skip_the_spring_festival()
    {
        // From Mon 2 Feb 2026: 3–13 Feb (9), Sat 14 (10), 24–27 Feb (14), Sat 28 (15), then three full weeks of March.
        Assert.Equal(D("2026-03-20"), Calendar.AddWorkingDays(D("2026-02-02"), 30));
    }

    [Fact]
    public void Deadlines_are_counted_from_the_beijing_date_of_submission()
    {
        // 17:30 UTC on Friday 13 March is 01:30 on Saturday 14 March in Beijing.
        var submitted = new DateTimeOffset(2026, 3, 13, 17, 30, 0, TimeSpan.Zero);
        Assert.Equal(D("2026-03-18"), Calendar.DueBy(submitted, 3));
        Assert.Equal(D("2026-03-18"), Calendar.DueBy(submitted.AddHours(-10), 3)); // still Friday in Beijing
        Assert.Equal(D("2026-03-18"), Calendar.DueBy(new DateTimeOffset(2026, 3, 15, 23, 0, 0, TimeSpan.FromHours(8)), 3)); // Sunday night
        Assert.Equal(D("2026-03-19"), Calendar.DueBy(new DateTimeOffset(2026, 3, 15, 16, 30, 0, TimeSpan.Zero), 3)); // already Monday in Beijing
    }

    [Fact]
    public void Export_and_import_review_notes_give_the_licence_stage()
    {
        var deadlines = new FilingDeadlines(Calendar, TimeProvider.System);
        var at = new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.FromHours(8));
        Assert.Contains("30 + 15", deadlines.ForReview(at, FilingDirection.Export).Note);
        Assert.Contains("30 + 10", deadlines.ForReview(at, FilingDirection.Import).Note);
        Assert.Equal(D("2026-03-19"), deadlines.ForRegistration(at).DueBy);
    }

    [Fact]
    public void Working_days_left_skip_weekends_and_holidays_and_count_overdue_days_negative()
    {
        // Thursday 2026-09-24 to Friday 2026-10-09 spans the National Day week (holidays Oct 1-7 per the seed).
        var today = D("2026-09-24");
        var due = D("2026-10-09");
        // Sep 28, 29, 30 and Oct 8, 9: five, where eleven weekdays lie in between (Sep 25 is the Mid-Autumn Festival).
        Assert.Equal(5, Calendar.WorkingDaysLeft(today, due));
        Assert.Equal(0, Calendar.WorkingDaysLeft(today, today));
        Assert.Equal(1, Calendar.WorkingDaysLeft(D("2026-03-13"), D("2026-03-16")));   // Friday to Monday
        Assert.Equal(-1, Calendar.WorkingDaysLeft(D("2026-03-16"), D("2026-03-13")));  // a working day overdue
        Assert.Equal(Calendar.AddWorkingDays(today, 5), today.AddDays(Enumerable.Range(1, 40).First(n => Calendar.WorkingDaysLeft(today, today.AddDays(n)) == 5)));
    }

    [Fact]
    public void A_day_cannot_be_both_holiday_and_make_up_day() =>
        Assert.Throws<InvalidOperationException>(() => new WorkingDayCalendar([D("2026-01-01")], [D("2026-01-01")], new Dictionary<int, string>()));
}

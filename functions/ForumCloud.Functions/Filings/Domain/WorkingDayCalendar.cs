using System.Text.Json;
using System.Text.Json.Serialization;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Working days of the PRC calendar: Monday to Friday, minus public holidays, plus the make-up
/// working days (调休) that fall on a weekend. Read from seeds/holidays-cn.json, which must be kept
/// current: a year the file does not cover is counted with weekends only (<see cref="Covers"/>).
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUpDays;
    private readonly Dictionary<int, string> _years;

    public WorkingDayCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeUpWorkingDays, IReadOnlyDictionary<int, string> yearStatus)
    {
        _holidays = [.. holidays];
        _makeUpDays = [.. makeUpWorkingDays];
        _years = new Dictionary<int, string>(yearStatus);
        var clash = _holidays.Intersect(_makeUpDays).FirstOrDefault();
        if (clash != default) throw new InvalidOperationException($"{clash:yyyy-MM-dd} is both a holiday and a make-up working day.");
    }

    public const string SeedFile = "holidays-cn.json";

    /// <summary>"official" or "projected" per covered year.</summary>
    public IReadOnlyDictionary<int, string> Years => _years;

    public bool Covers(int year) => _years.ContainsKey(year);

    public bool IsWorkingDay(DateOnly date)
    {
        if (_makeUpDays.Contains(date)) return true;
        if (_holidays.Contains(date)) return false;
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The date <paramref name="workingDays"/> working days after <paramref name="start"/> (the start day itself is not counted).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var date = start;
        for (var counted = 0; counted < workingDays;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date)) counted++;
        }

        return date;
    }

    /// <summary>
    /// Working days left from <paramref name="today"/> until <paramref name="due"/>: the working days after today up
    /// to and including the due date (0 when due today; negative, counting the working days missed, when overdue).
    /// </summary>
    public int WorkingDaysLeft(DateOnly today, DateOnly due)
    {
        var (from, to, sign) = due >= today ? (today, due, 1) : (due, today, -1);
        var count = 0;
        for (var date = from.AddDays(1); date <= to; date = date.AddDays(1))
        {
            if (IsWorkingDay(date)) count++;
        }

        return sign * count;
    }

    /// <summary>The deadline for something received at <paramref name="submittedAt"/>, counted on the Beijing calendar.</summary>
    public DateOnly DueBy(DateTimeOffset submittedAt, int workingDays) => AddWorkingDays(BeijingTime.DateOf(submittedAt), workingDays);

    public static WorkingDayCalendar Load(string path)
    {
        var file = JsonSerializer.Deserialize<CalendarFile>(File.ReadAllText(path), FileJson)
            ?? throw new InvalidOperationException($"{path} is empty.");
        var holidays = new List<DateOnly>();
        var makeUp = new List<DateOnly>();
        var years = new Dictionary<int, string>();
        foreach (var year in file.Years)
        {
            years[year.Year] = year.Status;
            foreach (var range in year.Holidays)
            {
                if (range.To < range.From) throw new InvalidOperationException($"{path}: holiday '{range.Name}' ends before it starts.");
                for (var day = range.From; day <= range.To; day = day.AddDays(1)) holidays.Add(day);
            }

            makeUp.AddRange(year.MakeUpWorkingDays.Select(m => m.Date));
        }

        return new WorkingDayCalendar(holidays, makeUp, years);
    }

    public static WorkingDayCalendar LoadSeed() => Load(SeedFiles.PathOf(SeedFile));

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web);

    private sealed record CalendarFile(IReadOnlyList<CalendarYear> Years);

    private sealed record CalendarYear(int Year, string Status, IReadOnlyList<HolidayRange> Holidays, IReadOnlyList<MakeUpDay> MakeUpWorkingDays);

    private sealed record HolidayRange(string Name, DateOnly From, DateOnly To);

    private sealed record MakeUpDay(DateOnly Date, [property: JsonPropertyName("for")] string For);
}

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Decision deadlines of the Regulations on Technology Import and Export Administration, in working
/// days from submission on the Beijing calendar: 3 for registering a free technology's contract
/// (Art. 19, 38), 30 for reviewing a restricted one, after which the licence stage adds 10 (import)
/// or 15 (export) working days.
/// </summary>
public sealed class FilingDeadlines(WorkingDayCalendar calendar, TimeProvider clock)
{
    /// <summary>Working days left today (Beijing) until a decision is due, as the staff queue shows them.</summary>
    public int WorkingDaysLeft(DateOnly dueBy) => calendar.WorkingDaysLeft(BeijingTime.Today(clock), dueBy);

    public const int RegistrationDays = 3;
    public const int ReviewDays = 30;
    public const int ImportLicenceDays = 10;
    public const int ExportLicenceDays = 15;

    public (DateOnly DueBy, string Note) ForRegistration(DateTimeOffset submittedAt) =>
        (calendar.DueBy(submittedAt, RegistrationDays),
            $"Registration within {RegistrationDays} working days of submission (Beijing calendar, weekends and public holidays skipped).");

    public (DateOnly DueBy, string Note) ForReview(DateTimeOffset submittedAt, FilingDirection direction)
    {
        var licence = direction == FilingDirection.Export ? ExportLicenceDays : ImportLicenceDays;
        return (calendar.DueBy(submittedAt, ReviewDays),
            $"Restricted {(direction == FilingDirection.Export ? "export" : "import")}: review within {ReviewDays} working days of submission; " +
            $"if approved, the licence stage takes up to {licence} further working days ({ReviewDays} + {licence}).");
    }
}

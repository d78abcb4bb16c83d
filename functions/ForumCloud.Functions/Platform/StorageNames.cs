namespace ForumCloud.Functions.Platform;

/// <summary>
/// Every table the app uses. infra/ creates each of them (a test keeps the two in step), and the
/// local runner creates them in Azurite on start.
/// </summary>
public static class TableNames
{
    public const string ForumEvents = "forumevents";

    /// <summary>One row per event with its seat counts, in one partition: what public lists read (no registration rows).</summary>
    public const string EventCatalog = "eventcatalog";
    public const string RegistrationCodes = "registrationcodes";
    public const string Notifications = "notifications";
    public const string Partners = "partners";
    public const string Cooperations = "cooperations";
    public const string Reminders = "reminders";
    public const string Filings = "filings";
    public const string FilingKeys = "filingkeys";
    public const string Applicants = "applicants";
    public const string Counters = "counters";
    public const string CheckInSecrets = "checkinsecrets";
    public const string MandateUnanswered = "mandateunanswered";

    public static IReadOnlyList<string> All { get; } = StorageNameList.Of(typeof(TableNames));
}

/// <summary>Every queue the app uses, and the poison queue the Functions host pairs with each.</summary>
public static class QueueNames
{
    public const string RegistrationChanges = "registration-changes";
    public const string Filings = "filings";
    public const string MailOutbox = "mail-outbox";

    public static IReadOnlyList<string> All { get; } = StorageNameList.Of(typeof(QueueNames));

    public static string PoisonOf(string queue) => queue + "-poison";

    public static IReadOnlyList<string> AllWithPoison { get; } = All.SelectMany(q => new[] { q, PoisonOf(q) }).ToArray();
}

internal static class StorageNameList
{
    public static IReadOnlyList<string> Of(Type holder) =>
        holder.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
}

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The one Asia/Shanghai clock: the forum happens in Beijing, agreement dates are Beijing calendar dates, and the filing
/// office judges working days and "not in the future" in Beijing time. Event times are shown with +08:00 whatever
/// offset staff typed; instants elsewhere stay UTC.
/// </summary>
public static class BeijingTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(Local(instant).DateTime);

    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());
}

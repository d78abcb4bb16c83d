namespace ForumCloud.Functions.Events;

/// <summary>
/// Demo events marked openOnLoad in seeds/events.json: when their registration is not open on the day the runner
/// starts, every date moves by the same whole number of days so that registration opened today (Beijing date, same
/// time of day; a day earlier if that time has not come yet). Intervals and times of day are kept.
/// </summary>
public static class DemoWindow
{
    public static ForumEvent OpenToday(ForumEvent seed, DateTimeOffset now)
    {
        if (seed.IsRegistrationOpen(now) || seed.Status != EventStatus.Published) return seed;
        var opens = BeijingTime.Local(seed.RegistrationOpensAt);
        var today = BeijingTime.Local(now);
        var days = (today.Date - opens.Date).Days;
        if (opens.AddDays(days) > now) days--;
        var by = TimeSpan.FromDays(days);
        return seed with
        {
            StartsAt = seed.StartsAt + by,
            EndsAt = seed.EndsAt + by,
            RegistrationOpensAt = seed.RegistrationOpensAt + by,
            RegistrationClosesAt = seed.RegistrationClosesAt + by,
        };
    }
}

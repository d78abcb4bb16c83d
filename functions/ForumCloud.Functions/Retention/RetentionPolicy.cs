using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Retention;

/// <summary>
/// How long personal data is kept (PIPL Art. 19: no longer than needed). Settings, because the commission's records
/// officer decides them, not the code; the privacy notice (seeds/privacy-notice.json) states the defaults, and
/// GET /api/privacy shows the values in force.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Days after an event ended until its registrations are erased to anonymous tombstones.</summary>
    public int RegistrationDays { get; init; } = 180;

    /// <summary>Days after a mail was sent (or failed) until its address, subject and bodies are erased from the outbox.</summary>
    public int NoticeBodyDays { get; init; } = 30;

    /// <summary>
    /// Years the commission keeps filings (official records of technology import and export contracts). Nothing erases
    /// them automatically: the number is shown to applicants so that they know, and disposal is an archival decision.
    /// </summary>
    public int FilingYears { get; init; } = 30;

    /// <summary>An unconfirmed hold's or an unused verification link's personal data is erased this long after it expired.</summary>
    public static readonly TimeSpan ExpiredGrace = TimeSpan.FromDays(1);

    public static RetentionPolicy FromConfiguration(IConfiguration? configuration) => new()
    {
        RegistrationDays = Read(configuration, SettingNames.RetentionRegistrationDays, 180, 1, 3650),
        NoticeBodyDays = Read(configuration, SettingNames.RetentionNoticeBodyDays, 30, 1, 3650),
        FilingYears = Read(configuration, SettingNames.RetentionFilingYears, 30, 1, 100),
    };

    private static int Read(IConfiguration? configuration, string setting, int fallback, int min, int max)
    {
        var text = configuration?[SettingNames.ConfigKey(setting)];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"The app setting {setting} must be a whole number between {min} and {max}.");
    }
}

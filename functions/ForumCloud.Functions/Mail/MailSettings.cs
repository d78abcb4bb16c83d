using MimeKit;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Mail;

public enum SmtpSecurity
{
    /// <summary>Plain SMTP (a local test server only).</summary>
    None,

    /// <summary>Connect in plain text, then upgrade with STARTTLS (required, not opportunistic); port 587 by default.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS); port 465 by default.</summary>
    Tls,
}

/// <summary>
/// The SMTP server and the sender, from the ForumCloud__Mail__* app settings. No host means "not configured":
/// mail then stays pending in the outbox (nothing is dropped) and the sender logs why, once.
/// </summary>
public sealed record MailSettings(string? SmtpHost, int SmtpPort, SmtpSecurity Security, MailboxAddress From, string? Username, string? Password, Uri PublicBaseUrl)
{
    public const string DefaultFrom = "Zhongguancun Forum 中关村论坛 <forum@localhost>";

    public bool HasHost => !string.IsNullOrWhiteSpace(SmtpHost);

    public static MailSettings FromConfiguration(IConfiguration configuration)
    {
        string? Read(string setting) => configuration[SettingNames.ConfigKey(setting)] is { Length: > 0 } value ? value.Trim() : null;

        var security = Read(SettingNames.MailSecurity) is { } text
            ? ApiEnum.TryParse<SmtpSecurity>(text.ToLowerInvariant(), out var parsed) ? parsed : throw Invalid(SettingNames.MailSecurity, "none, starttls or tls")
            : SmtpSecurity.StartTls;
        var port = Read(SettingNames.MailSmtpPort) is { } portText
            ? int.TryParse(portText, out var p) && p is > 0 and < 65536 ? p : throw Invalid(SettingNames.MailSmtpPort, "a port number")
            : security switch { SmtpSecurity.Tls => 465, SmtpSecurity.StartTls => 587, _ => 25 };
        var from = MailboxAddress.TryParse(Read(SettingNames.MailFrom) ?? DefaultFrom, out var address) ? address : throw Invalid(SettingNames.MailFrom, "an address such as 'Name <forum@example.org>'");
        var baseUrl = Read(SettingNames.PublicBaseUrl) is { } url
            ? Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri : throw Invalid(SettingNames.PublicBaseUrl, "an absolute http(s) URL")
            : new Uri("http://127.0.0.1:7071/");
        return new MailSettings(Read(SettingNames.MailSmtpHost), port, security, from, Read(SettingNames.MailUsername), Read(SettingNames.MailPassword), baseUrl);
    }

    private static InvalidOperationException Invalid(string setting, string expected) => new($"The app setting {setting} must be {expected}.");
}

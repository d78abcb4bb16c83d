using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ForumCloud.Functions.Mail;

/// <summary>Hands a message to a mail server; answers the server's reply (which names its queue id).</summary>
public interface IMailTransport
{
    Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>A send that did not go through. Permanent: the server refused for good (5xx); never retried.</summary>
public sealed class MailDeliveryException(bool permanent, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>
/// SMTP through MailKit: one connection a message (the volume is a few thousand mails a forum, not a newsletter),
/// STARTTLS required when configured (never silently plain), a 30-second timeout per operation.
/// </summary>
public sealed partial class SmtpMailTransport(MailSettings settings) : IMailTransport
{
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (!settings.HasHost) throw new MailDeliveryException(false, "No SMTP host is configured.");
        using var client = new SmtpClient { Timeout = 30_000 };
        try
        {
            var options = settings.Security switch
            {
                SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, options, cancellationToken);
            if (settings.Username is { } user) await client.AuthenticateAsync(user, settings.Password ?? "", cancellationToken);
            var reply = await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return reply;
        }
        catch (SmtpCommandException ex)
        {
            // 5xx is a refusal for good (unknown mailbox, policy); 4xx (greylisting, busy) may pass later.
            throw new MailDeliveryException((int)ex.StatusCode >= 500, $"SMTP {(int)ex.StatusCode} {ex.ErrorCode}: {Scrub(ex.Message)}", ex);
        }
        catch (AuthenticationException ex)
        {
            // Wrong credentials are a configuration problem: retried, so a fixed setting lets the mail go.
            throw new MailDeliveryException(false, "SMTP authentication failed: " + Scrub(ex.Message), ex);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or SslHandshakeException or TimeoutException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MailDeliveryException(false, $"SMTP connection problem ({ex.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}): {Scrub(ex.Message)}", ex);
        }
    }

    /// <summary>Server replies often quote the recipient: no address is kept in the outbox or the logs.</summary>
    public static string Scrub(string text) => AddressPattern().Replace(text, "<address>");

    [GeneratedRegex(@"[^\s<>""']+@[^\s<>""']+")]
    private static partial Regex AddressPattern();
}

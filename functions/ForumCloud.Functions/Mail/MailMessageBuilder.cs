using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// The MIME message of an outbox row: text and HTML as alternatives, the QR code as an inline image/png the HTML
/// shows (cid:checkin-qr), and the ICS as a text/calendar attachment with its iTIP method. Names go into headers
/// only through MimeKit's address and subject encoding, after control characters were removed.
/// </summary>
public static class MailMessageBuilder
{
    public static MimeMessage Build(OutboxRow row, MailboxAddress from, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(MailText.SingleLine(row.RecipientName, 200), row.Recipient));
        message.Subject = MailText.SingleLine(row.Subject);
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(from.Domain is { Length: > 0 } domain ? domain : "forumcloud.local");
        message.Headers.Add("Auto-Submitted", "auto-generated"); // RFC 3834: vacation responders stay quiet

        var body = new BodyBuilder { TextBody = row.Text, HtmlBody = row.Html };
        if (row.QrPayload is { } payload)
        {
            var qr = body.LinkedResources.Add("checkin-qr.png", CheckInQr.Png(payload), new ContentType("image", "png"));
            qr.ContentId = CheckInQr.ContentId;
        }

        if (row.CalendarEntry is { } entry)
        {
            var ics = Encoding.UTF8.GetBytes(CalendarInvite.Ics(entry, from, now));
            var type = new ContentType("text", "calendar") { Charset = "utf-8" };
            type.Parameters.Add("method", entry.Cancelled ? "CANCEL" : "REQUEST");
            body.Attachments.Add(entry.Cancelled ? "cancel.ics" : "invite.ics", ics, type);
        }

        message.Body = body.ToMessageBody();
        return message;
    }
}

using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// A row of the notifications table, the outbox every mail goes through: what was (or will be) sent, to whom, and
/// how delivery went. The subject and bodies are rendered when the mail is queued, so the row is the log of what
/// was sent; the QR code and the ICS are made from <see cref="QrPayload"/> and <see cref="Calendar"/> when it is sent.
/// </summary>
public sealed class OutboxRow : StoredRow
{
    public string Template { get; set; } = "";
    public string? Language { get; set; }
    public string Recipient { get; set; } = "";
    public string? RecipientName { get; set; }
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public string Html { get; set; } = "";
    public string? QrPayload { get; set; }

    /// <summary>A <see cref="CalendarEntry"/> as JSON.</summary>
    public string? Calendar { get; set; }

    public string Status { get; set; } = ApiEnum.Name(MailStatus.Pending);
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>The last SMTP problem, with addresses removed.</summary>
    public string? LastError { get; set; }

    /// <summary>The Message-ID header of the sent message, and the server's reply to it (its queue id).</summary>
    public string? MessageId { get; set; }
    public string? SmtpReply { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>
    /// When the personal content (recipient, subject, bodies, QR, calendar) was removed: by the retention purge, or when
    /// the person's registration was erased (<see cref="OutboxErasure"/>). The row stays as the log that it was sent.
    /// </summary>
    public DateTimeOffset? PurgedAt { get; set; }

    [IgnoreDataMember]
    public MailStatus StatusValue => StoredEnum.Read<MailStatus>(Status);

    [IgnoreDataMember]
    public OutboxKey Key => new(PartitionKey, RowKey);

    [IgnoreDataMember]
    public CalendarEntry? CalendarEntry => Calendar is null ? null : System.Text.Json.JsonSerializer.Deserialize<CalendarEntry>(Calendar, ApiJson.Options);
}

/// <summary>A notice as staff read it (GET /api/staff/notices).</summary>
public sealed record NoticeView(
    string NoticeId,
    string Template,
    MailStatus Status,
    string Recipient,
    string Subject,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? FailedAt,
    string? MessageId,
    string? LastError)
{
    public static NoticeView Of(OutboxRow r) => new(
        r.PartitionKey + "/" + r.RowKey, r.Template, r.StatusValue, r.Recipient, r.Subject, r.Attempts, r.CreatedAt,
        r.StatusValue == MailStatus.Pending ? r.NextAttemptAt : null, r.SentAt, r.FailedAt, r.MessageId, r.LastError);
}

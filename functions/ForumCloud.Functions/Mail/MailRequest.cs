namespace ForumCloud.Functions.Mail;

public enum MailLanguage
{
    Zh,
    En,
}

/// <summary>Where a mail lives in the outbox: deterministic keys, so the same mail queued twice is one row.</summary>
public readonly record struct OutboxKey(string Partition, string Row)
{
    public override string ToString() => Partition + "/" + Row;
}

/// <summary>
/// "Queue this templated mail to this address": what a capability hands to <see cref="MailOutbox.QueueAsync"/>.
/// <paramref name="Template"/> names the files Mail/Templates/{template}.{zh|en}.liquid; <paramref name="Model"/> holds
/// the values they may use (plain strings: the layout escapes them for HTML). Without a <paramref name="Language"/>
/// the mail carries both languages, Chinese first.
/// </summary>
public sealed record MailRequest(OutboxKey Key, string To, string? ToName, string Template, MailLanguage? Language, IReadOnlyDictionary<string, string> Model)
{
    /// <summary>Shown as a QR code (PNG, inline and attached): a check-in secret.</summary>
    public string? QrPayload { get; init; }

    /// <summary>An ICS invite (or its cancellation) attached as text/calendar.</summary>
    public CalendarEntry? Calendar { get; init; }

    /// <summary>A link shown as a button ("manage your registration").</summary>
    public string? ActionUrl { get; init; }
}

/// <summary>One calendar entry; the same <paramref name="Uid"/> with a higher <paramref name="Sequence"/> updates it in the attendee's calendar.</summary>
public sealed record CalendarEntry(string Uid, int Sequence, bool Cancelled, DateTimeOffset Start, DateTimeOffset End, string Summary, string Location, string? Description);

public enum MailStatus
{
    Pending,

    /// <summary>Claimed by one delivery (for a short lease), so two copies of a queue message do not both send.</summary>
    Sending,
    Sent,
    Failed,
}

/// <summary>The mail-outbox queue message: which outbox row is due.</summary>
public sealed record MailDue(string PartitionKey, string RowKey);

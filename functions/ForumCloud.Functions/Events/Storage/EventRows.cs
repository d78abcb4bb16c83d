using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Row keys inside an event's partition (PartitionKey = eventId) of the forumevents table. Everything
/// a seat allocation touches lives in this one partition so that it can be one entity-group transaction.
/// </summary>
public static class EventKeys
{
    public const string Event = "event";
    public const string Ledger = "ledger";
    public const string RegistrationPrefix = "reg-";
    public const string EmailGuardPrefix = "email-";
    public const string IdempotencyPrefix = "idem-";

    public static string Registration(string code) => RegistrationPrefix + code;

    /// <summary>The OData filter for the registration rows of one event: one partition, one key range.</summary>
    public static string RegistrationsOf(string eventId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {eventId} and RowKey ge {RegistrationPrefix} and RowKey lt {RowKeys.After(RegistrationPrefix)}");

    /// <summary>The email never appears in a key: a hash scoped to the event, trimmed and lower-cased first.</summary>
    public static string EmailGuard(string eventId, string email) => EmailGuardPrefix + Secrets.KeyFor(eventId, email);

    public static string Idempotency(string eventId, string key) => IdempotencyPrefix + Secrets.Hash(eventId + "\u001f" + key);
}

public sealed class EventRow() : StoredRow(rowKey: EventKeys.Event)
{
    public string Title { get; set; } = "";
    public string Track { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string Venue { get; set; } = "";
    public string Languages { get; set; } = "[]";
    public int Capacity { get; set; }
    public DateTimeOffset RegistrationOpensAt { get; set; }
    public DateTimeOffset RegistrationClosesAt { get; set; }
    public string Status { get; set; } = "";

    /// <summary>Null on rows from before the cap: the default (4 × capacity, <see cref="ForumEvent.DefaultWaitlistFactor"/>).</summary>
    public int? WaitlistLimit { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public static EventRow Of(ForumEvent e, DateTimeOffset now, string actor) => new()
    {
        PartitionKey = e.EventId,
        Title = e.Title,
        Track = StoredEnum.Write(e.Track),
        StartsAt = e.StartsAt,
        EndsAt = e.EndsAt,
        Venue = e.Venue,
        Languages = JsonSerializer.Serialize(e.Languages),
        Capacity = e.Capacity,
        RegistrationOpensAt = e.RegistrationOpensAt,
        RegistrationClosesAt = e.RegistrationClosesAt,
        Status = StoredEnum.Write(e.Status),
        WaitlistLimit = e.WaitlistLimit,
        CreatedAt = now,
        UpdatedAt = now,
        UpdatedBy = actor,
    };

    public ForumEvent ToEvent() => new(
        PartitionKey, Title, StoredEnum.Read<EventTrack>(Track), StartsAt, EndsAt, Venue,
        JsonSerializer.Deserialize<string[]>(Languages) ?? [], Capacity, RegistrationOpensAt, RegistrationClosesAt, StoredEnum.Read<EventStatus>(Status))
    {
        WaitlistLimit = WaitlistLimit,
    };
}

/// <summary>
/// The seat ledger: the one row every seat change rewrites, with its ETag as the guard. Capacity lives
/// here (not only on the event row) so that a capacity change and a seat allocation conflict on it.
/// </summary>
public sealed class SeatLedgerRow() : StoredRow(rowKey: EventKeys.Ledger)
{
    public int Capacity { get; set; }
    public int Confirmed { get; set; }
    public int Waitlisted { get; set; }

    /// <summary>Monotonic: orders the waitlist (first come, first promoted).</summary>
    public long NextWaitlistNumber { get; set; } = 1;

    /// <summary>Raised by every write of the ledger: the catalogue keeps the counts of the highest version it saw.</summary>
    public long Version { get; set; }

    /// <summary>The <see cref="WaitlistMap"/>: its first number and its bits (null when nobody waits).</summary>
    public long WaitingFrom { get; set; }

    public byte[]? Waiting { get; set; }

    [IgnoreDataMember]
    public SeatCounts Counts => new(Capacity, Confirmed, Waitlisted);
}

public sealed class RegistrationRow : StoredRow
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Organization { get; set; } = "";
    public string Country { get; set; } = "";
    public string? Role { get; set; }
    public string? PartnerId { get; set; }
    public string Status { get; set; } = "";
    public long WaitlistNumber { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public string? CheckedInBy { get; set; }
    public string ManageTokenHash { get; set; } = "";

    /// <summary>The QR code's check-in secret (see <see cref="CheckInSecrets"/>); absent on rows from before mail.</summary>
    public string? CheckInSecret { get; set; }

    /// <summary>The attendee's mail language (zh | en), or null for both.</summary>
    public string? Language { get; set; }

    /// <summary>The privacy notice accepted when registering (null on rows from before consent was recorded).</summary>
    public string? PrivacyNoticeVersion { get; set; }

    /// <summary>Set when the personal fields were erased (by the person, or by retention): the row is then a tombstone for counting.</summary>
    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>
    /// The <see cref="RegistrationChangeKind"/> whose notice is not yet handled, set in the transaction that commits
    /// the change and cleared by the queue handler once the notice is out. A value older than a few minutes means the
    /// message was lost: <see cref="RegistrationSweep"/> publishes it again.
    /// </summary>
    public string? PendingNotice { get; set; }

    public DateTimeOffset? PendingSince { get; set; }

    /// <summary>How often <see cref="RegistrationSweep"/> has published the pending notice of <see cref="NoticeSweptFor"/> (a PendingSince) again.</summary>
    public int? NoticeSweeps { get; set; }

    public DateTimeOffset? NoticeSweptFor { get; set; }

    /// <summary>
    /// Staff-visible: the <see cref="RegistrationChangeKind"/> whose notice was given up on (its message reached
    /// the poison queue, or the sweep gave up after its attempts), and when (<see cref="NoticeFailures"/>).
    /// </summary>
    public string? NoticeFailed { get; set; }

    public DateTimeOffset? NoticeFailedAt { get; set; }

    /// <summary>An anonymous registration's hold (Status PendingConfirmation): the place it holds (Confirmed = a seat, Waitlisted = a waitlist place).</summary>
    public string? HeldPlace { get; set; }

    /// <summary>When an unconfirmed hold is released (see <see cref="RegistrationHolds"/>).</summary>
    public DateTimeOffset? HoldExpiresAt { get; set; }

    /// <summary>The hash of the secret in the mailed confirmation link; kept after use so a reused link is told apart from a wrong one.</summary>
    public string? ConfirmTokenHash { get; set; }

    /// <summary>Marks the change this row's transaction commits as not yet announced.</summary>
    public void MarkPending(RegistrationChangeKind kind, DateTimeOffset now)
    {
        PendingNotice = StoredEnum.Write(kind);
        PendingSince = now;
    }

    [IgnoreDataMember]
    public RegistrationStatus StatusValue => StoredEnum.Read<RegistrationStatus>(Status);
}

/// <summary>One per (event, email): inserted in the allocation transaction, so a second registration of the email fails with 409.</summary>
public sealed class EmailGuardRow : StoredRow
{
    public string Code { get; set; } = "";
}

/// <summary>
/// The first answer to a request with an Idempotency-Key. The manage token is kept encrypted with a key
/// derived from the Idempotency-Key itself, which the table never stores: only a client presenting the
/// same key (and the same body) can get the token back.
/// </summary>
public sealed class IdempotencyRow : StoredRow
{
    /// <summary>How long a first answer is replayed; after it the key is free again and retention deletes the row.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public string Fingerprint { get; set; } = "";
    public string Code { get; set; } = "";
    public string Status { get; set; } = "";
    public int? WaitlistPosition { get; set; }
    public string SealedToken { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>registrationcodes: PartitionKey = the code's first two characters, RowKey = the code; GET /api/registrations/{code} finds the event's partition.</summary>
public sealed class CodeIndexRow : StoredRow
{
    public string EventId { get; set; } = "";
    public DateTimeOffset ReservedAt { get; set; }
}

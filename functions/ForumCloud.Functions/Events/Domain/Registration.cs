using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Privacy;

namespace ForumCloud.Functions.Events;

public enum RegistrationStatus
{
    Confirmed,
    Waitlisted,
    Cancelled,

    /// <summary>An anonymous registration holding a seat or waitlist place until the person confirms by the mailed link.</summary>
    PendingConfirmation,
}

/// <summary>The body of POST /api/events/{eventId}/registrations.</summary>
public sealed record RegistrationRequest(string? Name, string? Email, string? Organization, string? Country, string? Role, string? PartnerId, string? Language = null, string? PrivacyNoticeVersion = null) : PartlyReadable;

/// <summary>A validated registration request: trimmed values, upper-case country.</summary>
public sealed record Attendee(string Name, string Email, string Organization, string Country, string? Role, string? PartnerId, MailLanguage? Language = null)
{
    /// <summary>The privacy notice the attendee accepted (<see cref="PrivacyNotices"/>); stored with the registration.</summary>
    public string? PrivacyNoticeVersion { get; init; }

    public const int MinIdempotencyKeyLength = 16;
    public const int MaxIdempotencyKeyLength = 200;

    public static Attendee From(RegistrationRequest body, PrivacyNotices notices)
    {
        var errors = FieldErrors.For(body);
        var name = errors.Text("name", body.Name, 200);
        var email = errors.Email("email", body.Email);
        var organization = errors.Text("organization", body.Organization, 200);
        var country = errors.Country("country", body.Country);
        var role = errors.OptionalText("role", body.Role, 100);
        var partnerId = errors.OptionalText("partnerId", body.PartnerId, 80);
        if (partnerId is not null && partnerId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            errors.Add("partnerId", "Letters, digits, '-' and '_' only.");
        }

        var language = errors.OptionalEnum<MailLanguage>("language", body.Language);
        var accepted = notices.Accept(errors, body.PrivacyNoticeVersion);
        errors.ThrowIfAny();
        return new Attendee(name, email, organization, country, role, partnerId, language) { PrivacyNoticeVersion = accepted };
    }

    /// <summary>
    /// The Idempotency-Key header: 16-200 visible ASCII characters, or absent. The floor keeps keys from being
    /// guessable words or counters (a UUID is 36); the answer sealed under a key is still safe if one is guessed.
    /// </summary>
    public static string? IdempotencyKey(string? header)
    {
        if (header is null) return null;
        if (header.Length is < MinIdempotencyKeyLength or > MaxIdempotencyKeyLength || header.Any(c => c is < '!' or > '~'))
        {
            throw ProblemException.Validation(new Dictionary<string, string[]>
            {
                ["Idempotency-Key"] = [$"{MinIdempotencyKeyLength}-{MaxIdempotencyKeyLength} visible ASCII characters, for example a UUID."],
            });
        }

        return header;
    }

    /// <summary>What identifies "the same request" for an idempotent retry (email compared as the guard compares it).</summary>
    public string Fingerprint(string eventId) =>
        Secrets.Hash(string.Join('\u001f', eventId, Name, Email.Trim().ToLowerInvariant(), Organization, Country, Role ?? "", PartnerId ?? "")
            + (Language is { } language ? "\u001f" + ApiEnum.Name(language) : "")); // appended only when given: earlier fingerprints stay valid
}

/// <summary>The 201 answer to a registration (and, unchanged, to its idempotent retries).</summary>
public sealed record RegistrationReceipt(string Code, string ManageToken, RegistrationStatus Status, int? WaitlistPosition, string EventId);

/// <summary>What the holder of the manage token sees.</summary>
public sealed record RegistrationView(
    string Code,
    string EventId,
    string EventTitle,
    string Name,
    string Email,
    string Organization,
    string Country,
    string? Role,
    string? PartnerId,
    RegistrationStatus Status,
    int? WaitlistPosition,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? CheckedInAt,
    string? Language,
    string? PrivacyNoticeVersion);

/// <summary>One registration in the staff list (JSON and CSV).</summary>
public sealed record RegistrationListItem(
    string Code,
    RegistrationStatus Status,
    int? WaitlistPosition,
    string Name,
    string Email,
    string Organization,
    string Country,
    string? Role,
    string? PartnerId,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? CheckedInAt,
    string? CheckedInBy,
    RegistrationChangeKind? NoticeFailed = null,
    DateTimeOffset? NoticeFailedAt = null);

/// <summary>The body of POST /api/staff/check-ins: the QR code's content.</summary>
/// <summary>A scan at a door: the QR code's content and, from a check-in desk, the event it admits to (a badge of another event is refused).</summary>
public sealed record CheckInScan(string? Secret, string? EventId = null);

public sealed record CheckInReceipt(string Code, string EventId, string Name, string? Organization, DateTimeOffset CheckedInAt, string CheckedInBy);

using System.Text.RegularExpressions;

namespace ForumCloud.Functions.Events;

public enum EventTrack
{
    Plenary,
    ParallelForum,
    TechnologyTrading,
    Exhibition,
    SideEvent,
}

public enum EventStatus
{
    Draft,
    Published,
    Cancelled,
}

/// <summary>The body of POST /api/staff/events and PUT /api/staff/events/{eventId}.</summary>
public sealed record EventRequest(
    string? EventId,
    string? Title,
    EventTrack? Track,
    string? StartsAt,
    string? EndsAt,
    string? Venue,
    IReadOnlyList<string?>? Languages,
    int? Capacity,
    string? RegistrationOpensAt,
    string? RegistrationClosesAt,
    EventStatus? Status,
    int? WaitlistLimit = null) : PartlyReadable;

/// <summary>A forum event as staff defined it (validated).</summary>
public sealed partial record ForumEvent(
    string EventId,
    string Title,
    EventTrack Track,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Venue,
    IReadOnlyList<string> Languages,
    int Capacity,
    DateTimeOffset RegistrationOpensAt,
    DateTimeOffset RegistrationClosesAt,
    EventStatus Status)
{
    public const int MaxCapacity = 100_000;

    /// <summary>Waitlist places when staff set none: four times the capacity.</summary>
    public const int DefaultWaitlistFactor = 4;

    /// <summary>How many may wait for a seat; null = <see cref="DefaultWaitlistFactor"/> × capacity.</summary>
    public int? WaitlistLimit { get; init; }

    public int EffectiveWaitlistLimit => WaitlistLimit ?? DefaultWaitlistLimit(Capacity);

    public static int DefaultWaitlistLimit(int capacity) => DefaultWaitlistFactor * capacity;

    /// <summary>Registration is open for a published event inside its window [opens, closes).</summary>
    public bool IsRegistrationOpen(DateTimeOffset now) =>
        Status == EventStatus.Published && now >= RegistrationOpensAt && now < RegistrationClosesAt;

    /// <summary>Validates a staff body; throws 400 with every field error at once.</summary>
    public static ForumEvent From(EventRequest body)
    {
        var errors = FieldErrors.For(body);
        var eventId = body.EventId?.Trim() ?? "";
        if (eventId.Length == 0) errors.Add("eventId", "Required.");
        else if (!RouteIds.EventSlug.IsValid(eventId)) errors.Add("eventId", "Lower-case letters, digits and single hyphens, 3-64 characters.");
        var title = errors.Text("title", body.Title, 200);
        var track = errors.Enum("track", body.Track);
        var startsAt = errors.Instant("startsAt", body.StartsAt);
        var endsAt = errors.Instant("endsAt", body.EndsAt);
        var venue = errors.Text("venue", body.Venue, 300);
        var languages = errors.TextList("languages", body.Languages, 1, 10, 35);
        for (var i = 0; i < languages.Count; i++)
        {
            if (languages[i].Length > 0 && !LanguageTag().IsMatch(languages[i])) errors.Add($"languages[{i}]", "Not a language tag (for example zh, en, zh-Hans).");
        }

        var capacity = errors.Range("capacity", body.Capacity, 1, MaxCapacity);
        var opensAt = errors.Instant("registrationOpensAt", body.RegistrationOpensAt);
        var closesAt = errors.Instant("registrationClosesAt", body.RegistrationClosesAt);
        var status = errors.Enum("status", body.Status);
        int? waitlistLimit = body.WaitlistLimit is null ? null : errors.Range("waitlistLimit", body.WaitlistLimit, 0, DefaultWaitlistFactor * MaxCapacity);
        if (startsAt != default && endsAt != default && endsAt <= startsAt) errors.Add("endsAt", "Must be after startsAt.");
        if (opensAt != default && closesAt != default && closesAt <= opensAt) errors.Add("registrationClosesAt", "Must be after registrationOpensAt.");
        if (closesAt != default && endsAt != default && closesAt > endsAt) errors.Add("registrationClosesAt", "Must not be after endsAt.");
        errors.ThrowIfAny();
        return new ForumEvent(eventId, title, track, startsAt, endsAt, venue, languages.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            capacity, opensAt, closesAt, status)
        {
            WaitlistLimit = waitlistLimit,
        };
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}

/// <summary>The seats of one event: confirmed and waitlisted counts against capacity.</summary>
public sealed record SeatCounts(int Capacity, int Confirmed, int Waitlisted)
{
    public int SeatsLeft => Math.Max(0, Capacity - Confirmed);
}

/// <summary>What the public sees of an event (times shown in Asia/Shanghai).</summary>
public sealed record EventView(
    string EventId,
    string Title,
    EventTrack Track,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Venue,
    IReadOnlyList<string> Languages,
    int Capacity,
    int SeatsLeft,
    int WaitlistLength,
    DateTimeOffset RegistrationOpensAt,
    DateTimeOffset RegistrationClosesAt,
    bool RegistrationOpen,
    EventStatus Status,
    int WaitlistLimit)
{
    public static EventView Of(ForumEvent e, SeatCounts seats, DateTimeOffset now) => new(
        e.EventId, e.Title, e.Track, BeijingTime.Local(e.StartsAt), BeijingTime.Local(e.EndsAt), e.Venue, e.Languages,
        seats.Capacity, seats.SeatsLeft, seats.Waitlisted, BeijingTime.Local(e.RegistrationOpensAt), BeijingTime.Local(e.RegistrationClosesAt),
        e.IsRegistrationOpen(now), e.Status, e.EffectiveWaitlistLimit);
}

/// <summary>An event open for registration now, for the chatbot's "which events can I join?" answer.</summary>
public sealed record EventSummary(string EventId, string Title, EventTrack Track, DateTimeOffset StartsAt, int SeatsLeft);


namespace ForumCloud.Functions.Partners;

/// <summary>Where a cooperation record stands; see <see cref="CooperationLifecycle"/> for the moves between them.</summary>
public enum CooperationStatus
{
    Proposed,
    UnderReview,
    Signed,
    Active,
    Completed,
    Terminated,
    Expired,
}

/// <summary>POST /api/partners/{partnerId}/cooperations.</summary>
public sealed record CooperationCreate(
    string? Title,
    CooperationType? Type,
    IReadOnlyList<string?>? Fields,
    ZgcPark? ZgcPark,
    string? StartDate,
    string? EndDate,
    string? Description) : PartlyReadable;

/// <summary>POST /api/staff/cooperations/{cooperationId}/transitions.</summary>
public sealed record TransitionRequest(CooperationStatus? To, string? Note, int? Version) : PartlyReadable;

/// <summary>The validated content of a new cooperation record.</summary>
public sealed record CooperationDraft(
    string Title,
    CooperationType Type,
    IReadOnlyList<string> Fields,
    ZgcPark? ZgcPark,
    DateOnly StartDate,
    DateOnly? EndDate,
    string Description);

/// <summary>
/// A cooperation record. The partner's country and region category are copied onto it when it is
/// created, so the staff query filters by country in the same table query as status and type.
/// </summary>
public record Cooperation(
    string CooperationId,
    string PartnerId,
    string Country,
    Platform.RegionCategory RegionCategory,
    string Title,
    CooperationType Type,
    IReadOnlyList<string> Fields,
    ZgcPark? ZgcPark,
    DateOnly StartDate,
    DateOnly? EndDate,
    string Description,
    CooperationStatus Status,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The legal next statuses, so a client (the staff desk) offers exactly the moves the lifecycle allows.</summary>
    public IReadOnlyList<CooperationStatus> NextStatuses => CooperationLifecycle.NextFrom(Status);
}

/// <summary>One accepted change of status, append-only. The first row (from null) records the creation.</summary>
public sealed record HistoryEntry(int Version, CooperationStatus? From, CooperationStatus To, string Actor, DateTimeOffset At, string? Note)
{
    public const string StaffRole = "commission staff";

    /// <summary>A partner sees who acted by role: its own entries and the system's as they are, a staff member's name never.</summary>
    public HistoryEntry AsSeenByPartner() =>
        Actor.StartsWith("partner:", StringComparison.Ordinal) || Actor == CooperationExpiry.SystemActor ? this : this with { Actor = StaffRole };
}

/// <summary>A record with its full history, oldest first (GET /api/cooperations/{id} and the transition answer).</summary>
public sealed record CooperationWithHistory : Cooperation
{
    private CooperationWithHistory(Cooperation record, IReadOnlyList<HistoryEntry> history)
        : base(record) => History = history;

    public IReadOnlyList<HistoryEntry> History { get; }

    public static CooperationWithHistory Of(Cooperation record, IReadOnlyList<HistoryEntry> history) => new(record, history);
}

/// <summary>The answer to a new cooperation record.</summary>
public sealed record CooperationCreated(string CooperationId, CooperationStatus Status, int Version);

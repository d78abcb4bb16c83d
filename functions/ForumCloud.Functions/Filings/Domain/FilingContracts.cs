namespace ForumCloud.Functions.Filings;

// The wire contract of the filings API (field and enum names are fixed by the issue).
// Enums travel kebab-case (ApiJson): PatentApplicationAssignment <-> "patent-application-assignment".

public enum FilingDirection
{
    Import,
    Export,
}

public enum ContractType
{
    PatentAssignment,
    PatentApplicationAssignment,
    PatentLicence,
    KnowHowLicence,
    TechnicalService,
    Other,
}

public enum PaymentMethod
{
    LumpSum,
    Instalments,
    Royalty,
    LumpSumAndRoyalty,
}

public enum FilingStatus
{
    Submitted,
    Screening,

    /// <summary>Screened free; waits for staff to register it (3 working days), unless auto-registration applies.</summary>
    AwaitingRegistration,
    Registered,
    ReviewRequired,
    Rejected,
    ProcessingFailed,

    /// <summary>Staff voided the certificate; its number is never reused.</summary>
    Voided,
}

public enum TechnologyControl
{
    Free,
    Restricted,
    Prohibited,
}

public enum StaffDecisionKind
{
    Approve,
    Reject,
}

/// <summary>POST /api/filings. Nullable throughout so that a missing part is a field error, not a parse error.</summary>
public sealed record FilingSubmissionRequest(
    FilingDirection? Direction,
    ContractRequest? Contract,
    DomesticPartyRequest? DomesticParty,
    ForeignPartyRequest? ForeignParty,
    TechnologyRequest? Technology,
    ValueRequest? Value,
    PaymentMethod? PaymentMethod) : PartlyReadable;

public sealed record ContractRequest(string? Number, string? Title, string? SignedOn, ContractType? Type);

public sealed record DomesticPartyRequest(string? Name, string? Uscc);

public sealed record ForeignPartyRequest(string? Name, string? Country);

public sealed record TechnologyRequest(string? Name, string? Field, string? Description);

public sealed record ValueRequest(decimal? Amount, string? Currency);

public sealed record StaffDecisionRequest(StaffDecisionKind? Decision, string? Note) : PartlyReadable;

/// <summary>POST /api/staff/filings/{filingId}/void.</summary>
public sealed record VoidRequest(string? Note) : PartlyReadable;

/// <summary>A validated filing as it is stored and shown back (clean, trimmed, upper-cased codes).</summary>
public sealed record FilingDetails(
    FilingDirection Direction,
    ContractDetails Contract,
    DomesticPartyDetails DomesticParty,
    ForeignPartyDetails ForeignParty,
    TechnologyDetails Technology,
    ValueDetails Value,
    PaymentMethod PaymentMethod);

public sealed record ContractDetails(string Number, string Title, DateOnly SignedOn, ContractType Type);

public sealed record DomesticPartyDetails(string Name, string Uscc);

public sealed record ForeignPartyDetails(string Name, string Country);

public sealed record TechnologyDetails(string Name, string Field, string Description);

public sealed record ValueDetails(decimal Amount, string Currency);

/// <summary>202 answer of a submission; the access token is shown once.</summary>
public sealed record FilingAccepted(string FilingId, FilingStatus Status, string StatusUrl, string AccessToken);

public sealed record ScreeningMatch(string ItemId, string Name, TechnologyControl Control, string? NameZh = null, IReadOnlyList<string>? MatchedTerms = null);

/// <summary>The screening result recorded on a filing: advice for staff, not a legal classification.</summary>
public sealed record ScreeningResult(
    string CatalogueVersion,
    string CatalogueSource,
    TechnologyControl Control,
    IReadOnlyList<ScreeningMatch> Matches,
    string Note);

public sealed record FilingHistoryEntry(DateTimeOffset At, FilingStatus Status, string Actor, string? Note);

public sealed record FilingView(
    string FilingId,
    FilingStatus Status,
    DateOnly DecisionDueBy,
    string DecisionDueNote,
    string? CertificateNumber,
    ScreeningResult? Screening,
    string? FailureReason,
    DateTimeOffset SubmittedAt,
    FilingDetails Filing,
    IReadOnlyList<FilingHistoryEntry> History)
{
    public string? ApplicantId { get; init; }

    /// <summary>A catalogue match for a prohibited item: staff reject it with the matched item as the reason.</summary>
    public bool LikelyProhibited { get; init; }

    public string? VoidReason { get; init; }

    public DateTimeOffset? VoidedAt { get; init; }
}

public sealed record FilingListItem(
    string FilingId,
    FilingStatus Status,
    FilingDirection Direction,
    string ContractNumber,
    string ContractTitle,
    string DomesticPartyName,
    string ForeignPartyName,
    string ForeignPartyCountry,
    string TechnologyName,
    DateTimeOffset SubmittedAt,
    DateOnly DecisionDueBy,
    TechnologyControl? ScreeningControl,
    string? CertificateNumber,
    int? WorkingDaysLeft = null);

/// <summary>
/// The filings queue's message: one filing id (from the sweeper, or an older sender), or the filings one instance
/// stored together (<see cref="Submitted"/>), each with what processing needs and the ETag it was stored with. The
/// record stays the source of truth: processing uses the copy only while the record's ETag is still that one.
/// </summary>
public sealed record FilingWork(string? FilingId = null, IReadOnlyList<SubmittedFiling>? Submitted = null)
{
    /// <summary>Each filing of the message, with its stored copy when the message has one.</summary>
    public IReadOnlyList<(string FilingId, SubmittedFiling? Copy)> Items() =>
        Submitted is { Count: > 0 } submitted ? submitted.Select(s => (s.FilingId, (SubmittedFiling?)s)).ToList()
        : FilingId is { } id ? [(id, null)]
        : [];
}

/// <summary>A filing as its submission stored it (no personal data, no token hash): enough to screen it and write the outcome.</summary>
public sealed record SubmittedFiling(string FilingId, string ETag, FilingDirection Direction, TechnologyDetails Technology, DateTimeOffset SubmittedAt, IReadOnlyList<FilingHistoryEntry> History, string? ApplicantId = null)
{
    public static SubmittedFiling Of(FilingRecord record) =>
        new(record.FilingId, record.ETag.ToString(), record.Details.Direction, record.Details.Technology, record.SubmittedAt, record.History.ToList(), record.ApplicantId);
}

using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// A filing as stored: one entity (RowKey "filing") in the filing's own partition of the filings table,
/// its short history (a handful of entries) inside it as JSON, so that a change and its history entry
/// are one single-entity write guarded by the entity's ETag — no batch needed, one round trip.
/// </summary>
public sealed class FilingRecord
{
    public const string RowKey = "filing";

    /// <summary>Far above a filing's few entries (notes are capped at 2,000 characters), below a property's 32K characters.</summary>
    public const int MaxHistoryChars = 30_000;

    public required string FilingId { get; init; }

    public required FilingDetails Details { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public required string AccessTokenHash { get; init; }

    /// <summary>The verified applicant that filed it (null on filings from before applicants existed).</summary>
    public string? ApplicantId { get; init; }

    public bool LikelyProhibited { get; set; }

    public string? VoidReason { get; set; }

    public DateTimeOffset? VoidedAt { get; set; }

    public FilingStatus Status { get; set; }

    public DateOnly DecisionDueBy { get; set; }

    public string DecisionDueNote { get; set; } = "";

    public ScreeningResult? Screening { get; set; }

    public string? CertificateNumber { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>The last processing error (type and message), kept for the poison handler's reason.</summary>
    public string? LastError { get; set; }

    /// <summary>A staff decision recorded before its effects (the certificate) are complete; a second decision is refused.</summary>
    public StaffDecisionKind? StaffDecision { get; set; }

    public string? StaffDecisionNote { get; set; }

    public string? StaffDecisionBy { get; set; }

    public List<FilingHistoryEntry> History { get; init; } = [];

    public ETag ETag { get; set; }

    /// <summary>Still the queue's to process; every later status belongs to staff or is final.</summary>
    public bool AwaitsProcessing => Status is FilingStatus.Submitted or FilingStatus.Screening;

    public TableEntity ToEntity()
    {
        var entity = new TableEntity(FilingId, RowKey)
        {
            ["Status"] = ApiEnum.Name(Status),
            ["Direction"] = ApiEnum.Name(Details.Direction),
            ["SubmittedAt"] = SubmittedAt,
            ["DecisionDueBy"] = DecisionDueBy.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["DecisionDueNote"] = DecisionDueNote,
            ["Details"] = JsonSerializer.Serialize(Details, ApiJson.Options),
            ["AccessTokenHash"] = AccessTokenHash,
            ["Screening"] = Screening is null ? null : JsonSerializer.Serialize(Screening, ApiJson.Options),
            ["ScreeningControl"] = Screening is null ? null : ApiEnum.Name(Screening.Control),
            ["CertificateNumber"] = CertificateNumber,
            ["FailureReason"] = FailureReason,
            ["LastError"] = LastError,
            ["StaffDecision"] = StaffDecision is { } d ? ApiEnum.Name(d) : null,
            ["StaffDecisionNote"] = StaffDecisionNote,
            ["StaffDecisionBy"] = StaffDecisionBy,
            ["History"] = HistoryJson(History),
            ["ApplicantId"] = ApplicantId,
            ["LikelyProhibited"] = LikelyProhibited,
            ["VoidReason"] = VoidReason,
            ["VoidedAt"] = VoidedAt,
        };
        entity.ETag = ETag;
        return entity;
    }

    /// <summary>Reads a stored entity; a record that does not parse throws (the queue sends it to poison).</summary>
    public static FilingRecord FromEntity(TableEntity entity) => new()
    {
        FilingId = entity.PartitionKey,
        Status = StoredEnum.Read<FilingStatus>(entity.GetString("Status")),
        SubmittedAt = entity.GetDateTimeOffset("SubmittedAt") ?? throw new FormatException("SubmittedAt is missing."),
        DecisionDueBy = DateOnly.ParseExact(entity.GetString("DecisionDueBy") ?? "", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DecisionDueNote = entity.GetString("DecisionDueNote") ?? "",
        Details = JsonSerializer.Deserialize<FilingDetails>(entity.GetString("Details") ?? "null", ApiJson.Options)
            ?? throw new FormatException("Details are missing."),
        AccessTokenHash = entity.GetString("AccessTokenHash") ?? throw new FormatException("AccessTokenHash is missing."),
        Screening = entity.GetString("Screening") is { } screening ? JsonSerializer.Deserialize<ScreeningResult>(screening, ApiJson.Options) : null,
        CertificateNumber = entity.GetString("CertificateNumber"),
        FailureReason = entity.GetString("FailureReason"),
        LastError = entity.GetString("LastError"),
        StaffDecision = entity.GetString("StaffDecision") is { } decision ? StoredEnum.Read<StaffDecisionKind>(decision) : null,
        StaffDecisionNote = entity.GetString("StaffDecisionNote"),
        StaffDecisionBy = entity.GetString("StaffDecisionBy"),
        History = HistoryOf(entity),
        ApplicantId = entity.GetString("ApplicantId"),
        LikelyProhibited = entity.GetBoolean("LikelyProhibited") ?? false,
        VoidReason = entity.GetString("VoidReason"),
        VoidedAt = entity.GetDateTimeOffset("VoidedAt"),
        ETag = entity.ETag,
    };

    public static List<FilingHistoryEntry> HistoryOf(TableEntity entity) =>
        JsonSerializer.Deserialize<List<FilingHistoryEntry>>(entity.GetString("History") ?? "[]", ApiJson.Options) ?? [];

    public static string HistoryJson(IReadOnlyList<FilingHistoryEntry> history)
    {
        var json = JsonSerializer.Serialize(history, ApiJson.Options);
        return json.Length <= MaxHistoryChars ? json : throw new InvalidOperationException("The filing's history is full.");
    }
}

/// <summary>What processing decided for a filing: its status, screening, certificate number and deadline.</summary>
public sealed record FilingOutcome(FilingStatus Status, ScreeningResult Screening, string? CertificateNumber, DateOnly DueBy, string DueNote, string Note)
{
    /// <summary>A prohibited catalogue item matched: staff see the flag (and reject with the item as the reason).</summary>
    public bool LikelyProhibited { get; init; }

    public void ApplyTo(FilingRecord record)
    {
        record.Status = Status;
        record.LikelyProhibited = LikelyProhibited;
        record.Screening = Screening;
        if (CertificateNumber is not null) record.CertificateNumber = CertificateNumber;
        (record.DecisionDueBy, record.DecisionDueNote) = (DueBy, DueNote);
    }
}

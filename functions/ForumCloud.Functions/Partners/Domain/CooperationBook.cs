using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Cooperation records: creation by a partner, reading with the history, and lifecycle transitions.
/// Concurrency comes from storage: a transition replaces the record under the ETag it was read with
/// and inserts the history row of the new version, in one entity-group transaction, so of two
/// transitions from the same version exactly one commits.
/// </summary>
public sealed class CooperationBook(StorageAccount storage, PartnerRegistry partners, TimeProvider clock)
{
    public static readonly IdKind CooperationIds = RouteIds.Generated("coo", "cooperation");

    /// <summary>Entity-group transactions are limited to 100 operations (Azurite does not enforce it; Azure does).</summary>
    private const int MaxTransactionOperations = 100;

    private TableClient Table => storage.Table(TableNames.Cooperations);

    public async Task<CooperationCreated> CreateAsync(Partner partner, CooperationCreate request, string actor, CancellationToken cancellationToken)
    {
        var draft = Validate(request);
        var now = clock.GetUtcNow();
        var record = new Cooperation(Ids.New("coo"), partner.PartnerId, partner.Country, partner.RegionCategory, draft.Title, draft.Type,
            draft.Fields, draft.ZgcPark, draft.StartDate, draft.EndDate, draft.Description, CooperationStatus.Proposed, 1, now, now);
        var created = new HistoryEntry(1, null, CooperationStatus.Proposed, actor, now, null);
        await SubmitAsync(record.CooperationId,
        [
            new TableTransactionAction(TableTransactionActionType.Add, CooperationRows.ToEntity(record)),
            new TableTransactionAction(TableTransactionActionType.Add, CooperationRows.ToEntity(record.CooperationId, created)),
        ], cancellationToken);
        return new CooperationCreated(record.CooperationId, record.Status, record.Version);
    }

    /// <summary>
    /// Writes a record with a ready-made history unless the record exists (demo seeds): one transaction,
    /// so a record never exists without its history. True when this call wrote it.
    /// </summary>
    public async Task<bool> AddIfAbsentAsync(Cooperation record, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, CooperationRows.ToEntity(record)) };
        actions.AddRange(history.Select(h => new TableTransactionAction(TableTransactionActionType.Add, CooperationRows.ToEntity(record.CooperationId, h))));
        try
        {
            await SubmitAsync(record.CooperationId, actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Checks a new record's body; 400 with every field error.</summary>
    public static CooperationDraft Validate(CooperationCreate request)
    {
        var errors = FieldErrors.For(request);
        var title = errors.Text("title", request.Title, 200);
        var type = errors.Enum("type", request.Type);
        var fields = errors.TextList("fields", request.Fields, 1, 20, 100)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var start = errors.Date("startDate", request.StartDate);
        var end = errors.OptionalDate("endDate", request.EndDate);
        CheckYear(errors, "startDate", start);
        if (end is { } endDate)
        {
            CheckYear(errors, "endDate", endDate);
            if (start != default && endDate < start) errors.Add("endDate", "Must not be before startDate.");
        }

        var description = errors.LongText("description", request.Description, 4000);
        errors.ThrowIfAny();
        return new CooperationDraft(title, type, fields, request.ZgcPark, start, end, description);
    }

    private static void CheckYear(FieldErrors errors, string field, DateOnly date)
    {
        if (date != default && (date.Year < 1980 || date.Year > 2100)) errors.Add(field, "Must be between 1980 and 2100.");
    }

    /// <summary>The record and its history, oldest first; null when there is no such record.</summary>
    public async Task<(Cooperation Record, ETag ETag, IReadOnlyList<HistoryEntry> History)?> FindAsync(string cooperationId, CancellationToken cancellationToken)
    {
        if (!CooperationIds.IsValid(cooperationId)) return null;
        TableEntity? record = null;
        var history = new List<HistoryEntry>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {cooperationId}"), cancellationToken: cancellationToken))
        {
            if (entity.RowKey == CooperationRows.RecordRow) record = entity;
            else if (entity.RowKey.StartsWith(CooperationRows.HistoryPrefix, StringComparison.Ordinal)) history.Add(CooperationRows.HistoryFromEntity(entity));
        }

        if (record is null) return null;
        return (CooperationRows.FromEntity(record), record.ETag, history.OrderBy(h => h.Version).ToArray());
    }

    /// <summary>A record for staff; 404 when there is none.</summary>
    public async Task<CooperationWithHistory> GetAsync(string cooperationId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(cooperationId, cancellationToken) ?? throw NotFound();
        return CooperationWithHistory.Of(found.Record, found.History);
    }

    /// <summary>A record for its partner: 404 unless the token is the owning partner's.</summary>
    public async Task<CooperationWithHistory> GetForPartnerAsync(string cooperationId, string? accessToken, CancellationToken cancellationToken)
    {
        // Without a token there is nothing to look up: answer as for an unknown id.
        if (string.IsNullOrEmpty(accessToken)) throw NotFound();
        var found = await FindAsync(cooperationId, cancellationToken) ?? throw NotFound();
        var partner = await partners.FindAsync(found.Record.PartnerId, cancellationToken);
        switch (PartnerRegistry.AccessOf(partner, accessToken))
        {
            case PartnerAccess.Suspended: throw PartnerRegistry.Suspended();
            case PartnerAccess.Unknown: throw NotFound();
        }

        return CooperationWithHistory.Of(found.Record, found.History.Select(h => h.AsSeenByPartner()).ToList());
    }

    /// <summary>Checks a transition body; 400 with every field error.</summary>
    public static (CooperationStatus To, string? Note, int Version) Validate(TransitionRequest request)
    {
        var errors = FieldErrors.For(request);
        var to = errors.Enum("to", request.To);
        var note = errors.OptionalText("note", request.Note, 2000, multiline: true);
        var version = errors.Range("version", request.Version, 1, int.MaxValue);
        if (request.To is { } target && CooperationLifecycle.NeedsNote(target) && note is null) errors.Add("note", "Required when the record is terminated: say why.");
        errors.ThrowIfAny();
        return (to, note, version);
    }

    /// <summary>
    /// Moves a record to <paramref name="to"/>: 404 unknown, 412 when <paramref name="expectedVersion"/> is
    /// not the stored version (or another transition commits first), 409 for a move the lifecycle does not allow.
    /// </summary>
    public async Task<CooperationWithHistory> TransitionAsync(string cooperationId, CooperationStatus to, string? note, int expectedVersion, string actor,
        CancellationToken cancellationToken)
    {
        if (CooperationLifecycle.NeedsNote(to) && string.IsNullOrWhiteSpace(note))
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["note"] = ["Required when the record is terminated: say why."] });
        }

        var (record, etag, history) = await FindAsync(cooperationId, cancellationToken) ?? throw NotFound();
        if (record.Version != expectedVersion)
        {
            throw new ProblemException(412, "The record has changed.",
                $"The record is at version {record.Version}, not {expectedVersion}; read it again and decide on its current state.",
                extensions: new Dictionary<string, object?> { ["currentVersion"] = record.Version, ["currentStatus"] = ApiEnum.Name(record.Status) });
        }

        if (!CooperationLifecycle.IsLegal(record.Status, to))
        {
            var allowed = CooperationLifecycle.NextFrom(record.Status).Select(ApiEnum.Name).ToArray();
            throw ProblemException.Conflict("The transition is not allowed.",
                $"A record that is {ApiEnum.Name(record.Status)} cannot become {ApiEnum.Name(to)}" +
                (allowed.Length == 0 ? "; it is final." : $"; it can become: {string.Join(", ", allowed)}."),
                new Dictionary<string, object?> { ["currentStatus"] = ApiEnum.Name(record.Status), ["allowed"] = allowed });
        }

        var now = clock.GetUtcNow();
        var updated = record with { Status = to, Version = record.Version + 1, UpdatedAt = now };
        var entry = new HistoryEntry(updated.Version, record.Status, to, actor, now, note);
        try
        {
            await SubmitAsync(cooperationId,
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, CooperationRows.ToEntity(updated), etag),
                new TableTransactionAction(TableTransactionActionType.Add, CooperationRows.ToEntity(cooperationId, entry)),
            ], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            // 412: the record's ETag moved; 409: another transition already wrote this version's history row.
            throw ProblemException.PreconditionFailed(
                $"Another change to the record committed first (it is no longer at version {expectedVersion}); read it again.");
        }

        return CooperationWithHistory.Of(updated, [.. history, entry]);
    }

    private async Task SubmitAsync(string partitionKey, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        // Azure refuses a transaction across partitions or over 100 operations; Azurite does not, so check here.
        if (actions.Count > MaxTransactionOperations || actions.Any(a => a.Entity.PartitionKey != partitionKey))
        {
            throw new InvalidOperationException("An entity-group transaction must stay in one partition and hold at most 100 operations.");
        }

        await Table.SubmitTransactionAsync(actions, cancellationToken);
    }

    private static ProblemException NotFound() => ProblemException.NotFound("No cooperation record has that id, or the access token does not open it.");

}

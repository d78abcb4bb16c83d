using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Functions.Filings;

/// <summary>Reads and writes filings: the entity and its history in one partition, changed only under the entity's ETag.</summary>
public sealed class FilingStore(StorageAccount storage)
{
    private TableClient Table => storage.Table(TableNames.Filings);

    public async Task<FilingRecord?> FindAsync(string filingId, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(filingId, FilingRecord.RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? FilingRecord.FromEntity(response.Value!) : null;
    }

    /// <summary>The filing and its history, in one partition query.</summary>
    public async Task<(FilingRecord Record, IReadOnlyList<FilingHistoryEntry> History)?> FindWithHistoryAsync(string filingId, CancellationToken cancellationToken)
    {
        FilingRecord? record = null;
        var history = new List<(string RowKey, FilingHistoryEntry Entry)>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {filingId}"), cancellationToken: cancellationToken))
        {
            if (entity.RowKey == FilingRecord.RowKey) record = FilingRecord.FromEntity(entity);
            else if (entity.RowKey.StartsWith(FilingRecord.HistoryPrefix, StringComparison.Ordinal)) history.Add((entity.RowKey, HistoryOf(entity)));
        }

        return record is null ? null : (record, history.OrderBy(h => h.RowKey, StringComparer.Ordinal).Select(h => h.Entry).ToList());
    }

    /// <summary>Stores a new filing with its first history entry; 409 (RequestFailedException) if the id exists.</summary>
    public async Task CreateAsync(FilingRecord record, FilingHistoryEntry first, CancellationToken cancellationToken)
    {
        record.HistoryCount = 1;
        await Table.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.Add, record.ToEntity()), new TableTransactionAction(TableTransactionActionType.Add, HistoryEntity(record.FilingId, 1, first))],
            cancellationToken);
    }

    /// <summary>
    /// Writes the changed record and appends history entries atomically, if nobody changed the record since
    /// it was read. False on a stale ETag: the caller re-reads and decides again.
    /// </summary>
    public async Task<bool> TrySaveAsync(FilingRecord record, IReadOnlyList<FilingHistoryEntry> newHistory, CancellationToken cancellationToken)
    {
        // One entity plus its history rows: far below the 100 operations of a transaction.
        if (newHistory.Count > 10) throw new ArgumentException("Too many history entries for one change.", nameof(newHistory));
        var first = record.HistoryCount + 1;
        var entity = record.ToEntity();
        entity["HistoryCount"] = record.HistoryCount + newHistory.Count;
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, entity, record.ETag) };
        actions.AddRange(newHistory.Select((h, i) => new TableTransactionAction(TableTransactionActionType.Add, HistoryEntity(record.FilingId, first + i, h))));
        try
        {
            var response = await Table.SubmitTransactionAsync(actions, cancellationToken);
            record.HistoryCount += newHistory.Count;
            record.ETag = response.Value[0].Headers.ETag ?? default;
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            // 412: the record changed; 409: a history row exists, i.e. another writer got there first.
            return false;
        }
    }

    /// <summary>The stored entity as it is, also when it is too corrupt for <see cref="FilingRecord.FromEntity"/>.</summary>
    public async Task<TableEntity?> FindEntityAsync(string filingId, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(filingId, FilingRecord.RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Merges a few properties into the stored entity and appends a history entry, under the entity's ETag.</summary>
    public async Task<bool> TryPatchAsync(TableEntity current, IReadOnlyDictionary<string, object?> changes, FilingHistoryEntry entry, CancellationToken cancellationToken)
    {
        var sequence = (current.GetInt32("HistoryCount") ?? 0) + 1;
        var patch = new TableEntity(current.PartitionKey, current.RowKey) { ["HistoryCount"] = sequence };
        foreach (var (name, value) in changes) patch[name] = value;
        try
        {
            await Table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.UpdateMerge, patch, current.ETag), new TableTransactionAction(TableTransactionActionType.Add, HistoryEntity(current.PartitionKey, sequence, entry))],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            return false;
        }
    }

    /// <summary>Notes the last processing error on a filing still in processing (no history entry: tries are not events).</summary>
    public async Task TrySetLastErrorAsync(string filingId, string error, CancellationToken cancellationToken)
    {
        var current = await FindEntityAsync(filingId, cancellationToken);
        if (current is null || current.GetString("Status") is not ("submitted" or "screening")) return;
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(filingId, FilingRecord.RowKey) { ["LastError"] = error }, current.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
        }
    }

    /// <summary>Removes a filing whose submission could not be completed (nothing was enqueued for it).</summary>
    public async Task DeleteAsync(string filingId, CancellationToken cancellationToken)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {filingId}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await Table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
        }
    }

    /// <summary>A page of filings for staff, filtered by status and direction; the order is the table's (by filing id).</summary>
    public async Task<ForumCloud.Functions.Platform.Page<FilingListItem>> ListAsync(FilingStatus? status, FilingDirection? direction, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {FilingRecord.RowKey}");
        if (status is { } s) filter += " and " + TableClient.CreateQueryFilter($"Status eq {FilingRecord.Wire(s)}");
        if (direction is { } d) filter += " and " + TableClient.CreateQueryFilter($"Direction eq {FilingRecord.Wire(d)}");
        var fingerprint = "filings|" + filter;

        var pages = Table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(ContinuationToken.Decode(continuation, fingerprint), pageSize);
        await foreach (var page in pages)
        {
            return new ForumCloud.Functions.Platform.Page<FilingListItem>(page.Values.Select(e => ListItemOf(FilingRecord.FromEntity(e))).ToList(), ContinuationToken.Encode(page.ContinuationToken, fingerprint));
        }

        return new ForumCloud.Functions.Platform.Page<FilingListItem>([], null);
    }

    public static FilingListItem ListItemOf(FilingRecord r) => new(
        r.FilingId, r.Status, r.Details.Direction, r.Details.Contract.Number, r.Details.Contract.Title, r.Details.DomesticParty.Name,
        r.Details.ForeignParty.Name, r.Details.ForeignParty.Country, r.Details.Technology.Name, r.SubmittedAt, r.DecisionDueBy,
        r.Screening?.Control, r.CertificateNumber);

    private static TableEntity HistoryEntity(string filingId, int sequence, FilingHistoryEntry entry) => new(filingId, FilingRecord.HistoryRowKey(sequence))
    {
        ["At"] = entry.At,
        ["Status"] = FilingRecord.Wire(entry.Status),
        ["Actor"] = entry.Actor,
        ["Note"] = entry.Note,
    };

    private static FilingHistoryEntry HistoryOf(TableEntity entity) => new(
        entity.GetDateTimeOffset("At") ?? default,
        FilingRecord.Parse<FilingStatus>(entity.GetString("Status")),
        entity.GetString("Actor") ?? "",
        entity.GetString("Note"));
}

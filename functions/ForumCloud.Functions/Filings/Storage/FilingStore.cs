using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Filings;

/// <summary>Reads and writes filings: one entity each (history inside), changed only under its ETag.</summary>
public sealed class FilingStore(StorageAccount storage)
{
    private TableClient Table => storage.Table(TableNames.Filings);

    public async Task<FilingRecord?> FindAsync(string filingId, CancellationToken cancellationToken) =>
        await FindEntityAsync(filingId, cancellationToken) is { } entity ? FilingRecord.FromEntity(entity) : null;

    /// <summary>The filing and its history (one point read).</summary>
    public async Task<(FilingRecord Record, IReadOnlyList<FilingHistoryEntry> History)?> FindWithHistoryAsync(string filingId, CancellationToken cancellationToken) =>
        await FindAsync(filingId, cancellationToken) is { } record ? (record, record.History) : null;

    /// <summary>The stored entity as it is, also when it is too corrupt for <see cref="FilingRecord.FromEntity"/>.</summary>
    public async Task<TableEntity?> FindEntityAsync(string filingId, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(filingId, FilingRecord.RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Stores a new filing with its first history entry; 409 (RequestFailedException) if the id exists.</summary>
    public async Task CreateAsync(FilingRecord record, FilingHistoryEntry first, CancellationToken cancellationToken)
    {
        record.History.Clear();
        record.History.Add(first);
        var response = await Table.AddEntityAsync(record.ToEntity(), cancellationToken);
        record.ETag = response.Headers.ETag ?? default;
    }

    /// <summary>
    /// Writes the changed record with new history entries, if nobody changed it since it was read.
    /// False on a stale ETag: the caller re-reads and decides again.
    /// </summary>
    public async Task<bool> TrySaveAsync(FilingRecord record, IReadOnlyList<FilingHistoryEntry> newHistory, CancellationToken cancellationToken)
    {
        var entity = record.ToEntity();
        entity["History"] = FilingRecord.HistoryJson([.. record.History, .. newHistory]);
        try
        {
            var response = await Table.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Replace, cancellationToken);
            record.History.AddRange(newHistory);
            record.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes processing's outcome into a filing still stored as <paramref name="etag"/> (a merge of the changed
    /// properties: the details and the token hash stay as stored). False when the filing changed meanwhile.
    /// </summary>
    public async Task<bool> TryAdvanceAsync(string filingId, ETag etag, FilingOutcome outcome, IReadOnlyList<FilingHistoryEntry> history, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(filingId, FilingRecord.RowKey)
        {
            ["Status"] = ApiEnum.Name(outcome.Status),
            ["Screening"] = System.Text.Json.JsonSerializer.Serialize(outcome.Screening, ApiJson.Options),
            ["ScreeningControl"] = ApiEnum.Name(outcome.Screening.Control),
            ["DecisionDueBy"] = outcome.DueBy.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["DecisionDueNote"] = outcome.DueNote,
            ["History"] = FilingRecord.HistoryJson(history),
            ["LikelyProhibited"] = outcome.LikelyProhibited,
        };
        if (outcome.CertificateNumber is { } number) patch["CertificateNumber"] = number;
        try
        {
            await Table.UpdateEntityAsync(patch, etag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Merges a few properties into the stored entity and appends a history entry, under the entity's ETag.</summary>
    public async Task<bool> TryPatchAsync(TableEntity current, IReadOnlyDictionary<string, object?> changes, FilingHistoryEntry entry, CancellationToken cancellationToken)
    {
        List<FilingHistoryEntry> history;
        try
        {
            history = FilingRecord.HistoryOf(current);
        }
        catch (System.Text.Json.JsonException)
        {
            history = []; // a corrupt record still gets its status and this entry
        }

        var patch = new TableEntity(current.PartitionKey, current.RowKey) { ["History"] = FilingRecord.HistoryJson([.. history, entry]) };
        foreach (var (name, value) in changes) patch[name] = value;
        try
        {
            await Table.UpdateEntityAsync(patch, current.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Notes the last processing error on a filing still in processing (no history entry: tries are not events).</summary>
    public async Task TrySetLastErrorAsync(TableEntity current, string error, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(current.PartitionKey, FilingRecord.RowKey) { ["LastError"] = error }, current.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
        }
    }

    /// <summary>Removes a filing whose submission could not be completed.</summary>
    public async Task DeleteAsync(string filingId, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(filingId, FilingRecord.RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>A page of filings for staff, filtered by status and direction; the order is the table's (by filing id).</summary>
    public async Task<ForumCloud.Functions.Platform.Page<FilingListItem>> ListAsync(FilingStatus? status, FilingDirection? direction, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {FilingRecord.RowKey}");
        if (status is { } s) filter += " and " + TableClient.CreateQueryFilter($"Status eq {ApiEnum.Name(s)}");
        if (direction is { } d) filter += " and " + TableClient.CreateQueryFilter($"Direction eq {ApiEnum.Name(d)}");
        var fingerprint = "filings|" + filter;

        return await Paging.ReadAsync(Table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken),
            continuation, fingerprint, pageSize, e => ListItemOf(FilingRecord.FromEntity(e)), cancellationToken);
    }

    public static FilingListItem ListItemOf(FilingRecord r) => new(
        r.FilingId, r.Status, r.Details.Direction, r.Details.Contract.Number, r.Details.Contract.Title, r.Details.DomesticParty.Name,
        r.Details.ForeignParty.Name, r.Details.ForeignParty.Country, r.Details.Technology.Name, r.SubmittedAt, r.DecisionDueBy,
        r.Screening?.Control, r.CertificateNumber);
}

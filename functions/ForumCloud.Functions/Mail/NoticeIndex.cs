using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// Where the outbox finds notices by state without a query across partitions. A notice's own row is keyed by what
/// it is about (event-…, partner-…), so "every failed notice" would be a table scan on Azure; instead three index
/// partitions of the notifications table point at notices:
/// <list type="bullet">
/// <item><c>index-open</c>: one row per notice not yet sent or failed, with <c>DueAt</c> (when the sweep should look
/// at it). Written before the notice itself, deleted once the notice is settled. It holds only mail in flight or in
/// retry, so the sweep's filter on <c>DueAt</c> reads a small partition.</item>
/// <item><c>index-sent</c> and <c>index-failed</c>: one row per settled notice, the RowKey led by the inverted time
/// it settled (newest first for staff; "settled before X" is a RowKey range for the retention purge).</item>
/// </list>
/// Why this holds with many instances: no index write needs a lock. The notice's row stays the truth (its state
/// changes under its ETag as before); an index row only says where to look, and whoever reads it reads the notice
/// too. A partition cannot join another in one entity-group transaction, so the writes are ordered to leave a
/// repairable state when a process dies between them: the open row is written before the notice (a dangling open
/// row is dropped by the sweep), a settled row before the open row is deleted (a leftover open row of a settled
/// notice is settled by the sweep). Writes are idempotent upserts and deletes with deterministic keys, so two
/// instances doing the same step do it once. Each index partition takes one write per notice; its Azure ceiling
/// (2,000 entities/s) is the same as the mail-outbox queue's (2,000 messages/s), which every notice passes already.
/// </summary>
public sealed class NoticeIndex(StorageAccount storage, ILogger<NoticeIndex> logger)
{
    public const string Open = "index-open";
    public const string Sent = "index-sent";
    public const string Failed = "index-failed";

    private const string NoticePartition = "NoticePartition";
    private const string NoticeRow = "NoticeRow";
    private const string DueAtName = "DueAt";

    private TableClient Table => storage.Table(TableNames.Notifications);

    /// <summary>The index partition a staff list of <paramref name="status"/> reads (pending and sending share the open one).</summary>
    public static string PartitionFor(MailStatus status) => status switch
    {
        MailStatus.Sent => Sent,
        MailStatus.Failed => Failed,
        _ => Open,
    };

    /// <summary>Open rows for new notices, before the notices are written (one transaction per 100).</summary>
    public async Task AddOpenAsync(IEnumerable<OutboxRow> rows, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(100))
        {
            // Insert, keeping a pointer that exists: a redelivered queuing of a notice changes nothing (its pointer and
            // DueAt stay as the first queuing wrote them). If that notice was settled meanwhile, the pointer written
            // again is found settled by the sweep and dropped.
            var pointers = chunk.Select(r => Pointer(Open, OpenRowKey(r.Key), r.Key, dueAt)).ToList();
            try
            {
                await Table.SubmitTransactionAsync(pointers.Select(p => new TableTransactionAction(TableTransactionActionType.Add, p)), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                foreach (var pointer in pointers)
                {
                    try
                    {
                        await Table.AddEntityAsync(pointer, cancellationToken);
                    }
                    catch (RequestFailedException one) when (one.Status == 409)
                    {
                        // Written by the first queuing: kept as it is.
                    }
                }
            }
        }
    }

    private GroupCommit<OutboxRow>? _settling;

    private GroupCommit<OutboxRow> Settling => LazyInitializer.EnsureInitialized(ref _settling, () => new GroupCommit<OutboxRow>(100, SettleGroupAsync));

    /// <summary>
    /// A settled notice (delivery's last step): its sent/failed row first, then its open row goes, group-committed with
    /// the notices other deliveries of this process settle at the same moment. Failures are left to the sweep.
    /// </summary>
    public async Task SettleAsync(OutboxRow notice, CancellationToken cancellationToken)
    {
        try
        {
            await Settling.AddAsync(notice, cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException || StorageFaults.IsOutage(ex))
        {
            logger.LogWarning(ex, "Mail {NoticeId} is settled but its index is not; the mail sweep repairs it", notice.Key.ToString());
        }
    }

    public async Task SettleOrThrowAsync(OutboxRow notice, CancellationToken cancellationToken)
    {
        if (SettledRowKey(notice) is { } rowKey)
        {
            await Table.UpsertEntityAsync(Pointer(notice.StatusValue == MailStatus.Sent ? Sent : Failed, rowKey, notice.Key, null), TableUpdateMode.Replace, cancellationToken);
        }

        await DropAsync(Open, OpenRowKey(notice.Key), ETag.All, cancellationToken);
    }

    /// <summary>Up to 100 notices: one upsert transaction per settled partition, then one delete transaction in the open one.</summary>
    private async Task SettleGroupAsync(IReadOnlyList<OutboxRow> notices)
    {
        var settled = notices.Select(n => (Notice: n, RowKey: SettledRowKey(n))).Where(x => x.RowKey is not null).DistinctBy(x => x.RowKey);
        foreach (var partition in settled.GroupBy(x => x.Notice.StatusValue == MailStatus.Sent ? Sent : Failed))
        {
            await Table.SubmitTransactionAsync(partition.Select(x => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Pointer(partition.Key, x.RowKey!, x.Notice.Key, null))));
        }

        var open = notices.Select(n => OpenRowKey(n.Key)).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            await Table.SubmitTransactionAsync(open.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Open, k), ETag.All)));
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            foreach (var rowKey in open) await DropAsync(Open, rowKey, ETag.All, CancellationToken.None); // one was gone already (the sweep settled it)
        }
    }

    /// <summary>Open rows whose <c>DueAt</c> has come (one partition).</summary>
    public IAsyncEnumerable<IndexEntry> DueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        EntriesAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Open} and DueAt le {now}"), null, cancellationToken);

    /// <summary>Settled rows of one index partition whose notice settled before <paramref name="before"/>, oldest last.</summary>
    public IAsyncEnumerable<IndexEntry> SettledBeforeAsync(string partition, DateTimeOffset before, CancellationToken cancellationToken) =>
        EntriesAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Inverted(before.AddTicks(-1))}"), null, cancellationToken);

    /// <summary>One page of one index partition, in RowKey order.</summary>
    public async Task<(List<IndexEntry> Entries, string? Continuation)> PageAsync(string partition, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var page = await Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: pageSize, select: ["PartitionKey", "RowKey", NoticePartition, NoticeRow, DueAtName], cancellationToken: cancellationToken)
            .AsPages(continuation, pageSize)
            .FirstAsync(cancellationToken);
        return ([.. page.Values.Select(IndexEntry.Of)], page.ContinuationToken);
    }

    /// <summary>Moves an open row's <c>DueAt</c> on (a mail in a retry's wait or a live lease); lost races are harmless.</summary>
    public async Task PostponeAsync(IndexEntry entry, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(Open, entry.RowKey) { [DueAtName] = dueAt }, entry.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Settled or rewritten meanwhile.
        }
    }

    public Task DropAsync(IndexEntry entry, CancellationToken cancellationToken) => DropAsync(entry.Partition, entry.RowKey, entry.ETag, cancellationToken);

    private async Task DropAsync(string partition, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(partition, rowKey, etag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already, or rewritten meanwhile (a newer pointer stays).
        }
    }

    private async IAsyncEnumerable<IndexEntry> EntriesAsync(string filter, int? maxPerPage, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: maxPerPage, select: ["PartitionKey", "RowKey", NoticePartition, NoticeRow, DueAtName], cancellationToken: cancellationToken))
        {
            yield return IndexEntry.Of(entity);
        }
    }

    private static TableEntity Pointer(string partition, string rowKey, OutboxKey notice, DateTimeOffset? dueAt)
    {
        var entity = new TableEntity(partition, rowKey) { [NoticePartition] = notice.Partition, [NoticeRow] = notice.Row };
        if (dueAt is { } due) entity[DueAtName] = due;
        return entity;
    }

    // Notice keys never hold '|' (they are built from slugs, ids and kinds); the pointer is also kept as properties.
    private static string OpenRowKey(OutboxKey key) => key.Partition + "|" + key.Row;

    private static string? SettledRowKey(OutboxRow notice) => (notice.StatusValue, notice.SentAt, notice.FailedAt) switch
    {
        (MailStatus.Sent, { } at, _) => Inverted(at) + "|" + OpenRowKey(notice.Key),
        (MailStatus.Failed, _, { } at) => Inverted(at) + "|" + OpenRowKey(notice.Key),
        _ => null,
    };

    /// <summary>Later times sort first; 19 digits keep the order a string order.</summary>
    private static string Inverted(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One index row: where it is, the notice it points at, and (open rows) when the sweep should look.</summary>
public sealed record IndexEntry(string Partition, string RowKey, ETag ETag, OutboxKey Notice, DateTimeOffset? DueAt)
{
    public static IndexEntry Of(TableEntity e) =>
        new(e.PartitionKey, e.RowKey, e.ETag, new OutboxKey(e.GetString("NoticePartition") ?? "", e.GetString("NoticeRow") ?? ""), e.GetDateTimeOffset("DueAt"));
}

using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Certificate numbers `{year}-{I|E}-{000001}`: unique and gapless per year and direction, also with
/// many instances and redelivered messages. All rows live in one partition of the counters table:
/// the counter "{year}-{I|E}" (last number), an assignment row per number "{year}-{I|E}-{seq}" naming
/// its filing, and a lookup row per filing "filing-{id}" naming its number. A number is taken only by
/// one transaction that raises the counter under its ETag and inserts both rows, so it is never taken
/// without being recorded against its filing; a filing asking again (redelivery, a crash before its
/// record was updated) finds its lookup row and gets the same number back, so none is burnt.
/// Within one instance, concurrent requests are committed together in one transaction (group commit)
/// rather than racing each other for the counter's ETag; across instances the ETag still decides.
/// The instance remembers the counter (value and ETag) it last wrote and first tries the transaction
/// with it, without reading: a 412 (another instance moved the counter) or a 409 (a filing of the batch
/// already has its lookup row) rolls that transaction back whole and sends the batch down the reading path.
/// </summary>
public sealed class CertificateCounter(StorageAccount storage, TimeProvider clock, string partition = CertificateCounter.DefaultPartition)
{
    public const string DefaultPartition = "certificate";

    // Azure allows at most 15 comparisons in a filter: PartitionKey, the counter, and 13 lookups.
    private const int MaxBatch = 13;
    private const int MaxSequence = 999_999;

    private readonly object _gate = new();
    private readonly Dictionary<string, List<Pending>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);

    // Per series, what this instance last wrote; read and written only by the series' single drainer
    // (successive drainers are ordered by the lock on _gate).
    private readonly Dictionary<string, (int Value, ETag ETag)> _known = new(StringComparer.Ordinal);

    private TableClient Table => storage.Table(TableNames.Counters);

    public static string SeriesOf(int year, FilingDirection direction) => $"{year}-{(direction == FilingDirection.Import ? 'I' : 'E')}";

    public static string LookupKey(string filingId) => "filing-" + filingId;

    /// <summary>The filing's certificate number: the one it already has, or the next of this year's series.</summary>
    public async Task<string> AssignAsync(string filingId, FilingDirection direction, CancellationToken cancellationToken)
    {
        var series = SeriesOf(BeijingTime.Today(clock).Year, direction);
        var pending = new Pending(filingId, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool startDrainer;
        lock (_gate)
        {
            if (!_pending.TryGetValue(series, out var queue)) _pending[series] = queue = [];
            queue.Add(pending);
            startDrainer = _draining.Add(series);
        }

        if (startDrainer) _ = Task.Run(() => DrainAsync(series), CancellationToken.None);

        // A caller that gives up leaves the assignment to complete; its next try finds the number.
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The number already assigned to a filing, if any.</summary>
    public async Task<string?> FindAsync(string filingId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, LookupKey(filingId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetString("Number") : null;
    }

    /// <summary>The counter of a series (0 when nothing was assigned yet).</summary>
    public async Task<int> CurrentAsync(string series, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, series, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetInt32("Value") ?? 0 : 0;
    }

    private async Task DrainAsync(string series)
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                var queue = _pending[series];
                if (queue.Count == 0)
                {
                    _draining.Remove(series);
                    return;
                }

                batch = queue.Take(MaxBatch).ToList();
                queue.RemoveRange(0, batch.Count);
            }

            try
            {
                var numbers = await CommitAsync(series, batch.Select(p => p.FilingId).Distinct(StringComparer.Ordinal).ToList());
                foreach (var p in batch) p.Completion.TrySetResult(numbers[p.FilingId]);
            }
            catch (Exception ex)
            {
                foreach (var p in batch) p.Completion.TrySetException(ex);
            }
        }
    }

    private async Task<Dictionary<string, string>> CommitAsync(string series, IReadOnlyList<string> filingIds)
    {
        if (_known.Remove(series, out var known))
        {
            // Fast path: no read. Correct because the transaction itself re-checks everything: the
            // counter's ETag, and that none of these filings has a lookup row yet (Add fails with 409).
            var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
            if (await TryCommitAsync(series, filingIds, known.Value, known.ETag, numbers)) return numbers;
        }

        for (var attempt = 1; ; attempt++)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + " and (" +
                string.Join(" or ", filingIds.Select(LookupKey).Prepend(series).Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}"))) + ")";
            var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var row in Table.QueryAsync<TableEntity>(filter)) rows[row.RowKey] = row;

            var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
            var fresh = new List<string>();
            foreach (var id in filingIds)
            {
                if (rows.TryGetValue(LookupKey(id), out var lookup)) numbers[id] = lookup.GetString("Number")!;
                else fresh.Add(id);
            }

            if (fresh.Count == 0) return numbers;

            rows.TryGetValue(series, out var counter);
            if (await TryCommitAsync(series, fresh, counter?.GetInt32("Value") ?? 0, counter?.ETag, numbers)) return numbers;
            if (attempt >= 200) throw new InvalidOperationException($"Certificate series {series} stayed contended.");

            // Another instance moved the counter or assigned one of these filings meanwhile: read again.
            await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 20) * 2));
        }
    }

    /// <summary>Raises the counter from <paramref name="last"/> (ETag null: it does not exist yet) and records the numbers; false on 409/412.</summary>
    private async Task<bool> TryCommitAsync(string series, IReadOnlyList<string> fresh, int last, ETag? etag, Dictionary<string, string> numbers)
    {
        if (last + fresh.Count > MaxSequence) throw new InvalidOperationException($"Certificate series {series} is exhausted.");

        var next = new TableEntity(partition, series) { ["Value"] = last + fresh.Count, ["LastFilingId"] = fresh[^1] };
        var actions = new List<TableTransactionAction>
        {
            etag is { } current
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, current)
                : new TableTransactionAction(TableTransactionActionType.Add, next),
        };
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < fresh.Count; i++)
        {
            var number = $"{series}-{last + 1 + i:D6}";
            assigned[fresh[i]] = number;
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, number) { ["FilingId"] = fresh[i] }));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, LookupKey(fresh[i])) { ["Number"] = number }));
        }

        try
        {
            var response = await Table.SubmitTransactionAsync(actions);
            if (response.Value.Count > 0 && response.Value[0].Headers.ETag is { } written) _known[series] = (last + fresh.Count, written);
            foreach (var (id, number) in assigned) numbers[id] = number;
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            return false; // nothing was written
        }
    }

    private sealed record Pending(string FilingId, TaskCompletionSource<string> Completion);
}

using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

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

    private TableClient Table => storage.Table(TableNames.Counters);

    public static string SeriesOf(int year, FilingDirection direction) => $"{year}-{(direction == FilingDirection.Import ? 'I' : 'E')}";

    public static string LookupKey(string filingId) => "filing-" + filingId;

    /// <summary>The filing's certificate number: the one it already has, or the next of this year's series.</summary>
    public async Task<string> AssignAsync(string filingId, FilingDirection direction, CancellationToken cancellationToken)
    {
        var series = SeriesOf(ShanghaiClock.Today(clock).Year, direction);
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
            var last = counter?.GetInt32("Value") ?? 0;
            if (last + fresh.Count > MaxSequence) throw new InvalidOperationException($"Certificate series {series} is exhausted.");

            var next = new TableEntity(partition, series) { ["Value"] = last + fresh.Count, ["LastFilingId"] = fresh[^1] };
            var actions = new List<TableTransactionAction>
            {
                counter is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, next)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, counter.ETag),
            };
            for (var i = 0; i < fresh.Count; i++)
            {
                var number = $"{series}-{last + 1 + i:D6}";
                numbers[fresh[i]] = number;
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, number) { ["FilingId"] = fresh[i] }));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, LookupKey(fresh[i])) { ["Number"] = number }));
            }

            try
            {
                await Table.SubmitTransactionAsync(actions);
                return numbers;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < 200)
            {
                // Another instance moved the counter (412/409 on the counter) or assigned one of these
                // filings meanwhile (409 on a lookup row): nothing was written; read again and retry.
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 20) * 2));
            }
        }
    }

    private sealed record Pending(string FilingId, TaskCompletionSource<string> Completion);
}

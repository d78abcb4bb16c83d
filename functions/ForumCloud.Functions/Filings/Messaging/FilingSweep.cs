using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Filings;

public sealed class FilingSweepOptions
{
    /// <summary>A filing still `submitted` this long after submission has lost its queue message (or never got one).</summary>
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Enqueues again every filing still `submitted` after <see cref="FilingSweepOptions.MinimumAge"/>: one whose
/// enqueue failed after it was stored, or whose message was lost. Processing is idempotent, so a filing
/// that was merely slow is harmless to enqueue twice.
/// </summary>
public sealed class FilingSweep(StorageAccount storage, FilingSweepOptions options, TimeProvider clock, ILogger<FilingSweep> logger)
{
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.MinimumAge;
        var filter = TableClient.CreateQueryFilter($"RowKey eq {FilingRecord.RowKey} and Status eq {ApiEnum.Name(FilingStatus.Submitted)} and SubmittedAt le {cutoff}");
        var queue = storage.Queue(QueueNames.Filings);
        var count = 0;
        await foreach (var entity in storage.Table(TableNames.Filings).QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            await QueueMessages.SendAsync(queue, new FilingWork(entity.PartitionKey), cancellationToken);
            count++;
        }

        logger.LogInformation("Filing sweep: {Count} submitted filing(s) enqueued again", count);
        return count;
    }
}

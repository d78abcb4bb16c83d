using ForumCloud.Functions.Platform;

namespace ForumCloud.Functions.Health;

/// <summary>Asks the table and queue services one cheap question each, within a short deadline.</summary>
public sealed class StorageHealth(StorageAccount storage)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        var tables = await ProbeAsync(() => storage.Table(TableNames.ForumEvents).QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: deadline.Token).AsPages().FirstAsync(deadline.Token).AsTask());
        var queues = await ProbeAsync(() => storage.Queue(QueueNames.Filings).GetPropertiesAsync(deadline.Token));
        return new HealthReport(tables && queues ? "healthy" : "unhealthy",
            new Dictionary<string, string> { ["tables"] = tables ? "ok" : "unavailable", ["queues"] = queues ? "ok" : "unavailable" });
    }

    private static async Task<bool> ProbeAsync(Func<Task> probe)
    {
        try
        {
            await probe();
            return true;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            return false;
        }
    }
}

public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks)
{
    public bool Healthy => Status == "healthy";
}

namespace ForumCloud.Functions.Health;

/// <summary>Asks the table and queue services one cheap question each, within a short deadline.</summary>
public sealed class StorageHealth(StorageAccount storage)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        // The probe reads one row of the event catalogue's single partition: never a query across the partitions of a
        // table holding registrations (on Azure that is a scan).
        var tables = await ProbeAsync(() => storage.Table(TableNames.EventCatalog).QueryAsync<Azure.Data.Tables.TableEntity>(
            Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {ForumCloud.Functions.Events.CatalogRow.Events}"),
            maxPerPage: 1, select: ["RowKey"], cancellationToken: deadline.Token).AsPages().FirstAsync(deadline.Token).AsTask());
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

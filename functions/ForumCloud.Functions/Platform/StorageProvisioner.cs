namespace ForumCloud.Functions.Platform;

/// <summary>
/// Creates every table and queue (with its poison queue). In Azure the Bicep template does this at
/// provision time; locally the runner and the tests call it against Azurite.
/// </summary>
public static class StorageProvisioner
{
    public static async Task EnsureAsync(StorageAccount storage, CancellationToken cancellationToken = default)
    {
        foreach (var table in TableNames.All)
        {
            await storage.Table(table).CreateIfNotExistsAsync(cancellationToken);
        }

        foreach (var queue in QueueNames.AllWithPoison)
        {
            await storage.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }
}

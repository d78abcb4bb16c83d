namespace ForumCloud.DevHost;

/// <summary>Starts Azurite for a local run when the configured storage is the emulator and it is not running.</summary>
internal static class LocalAzurite
{
    public static async Task<AzuriteProcess?> EnsureRunningAsync(string? connectionString, CancellationToken cancellationToken)
    {
        if (connectionString is null || !ForumCloud.Functions.Platform.StorageAccount.IsEmulator(connectionString)) return null;

        var (blob, queue, table) = PortsOf(connectionString);
        if (AzuriteProcess.IsListening(table) && AzuriteProcess.IsListening(queue)) return null;

        // Data survives restarts in a git-ignored folder at the repository root.
        var location = Path.Combine(RepositoryRoot(), ".azurite");
        Console.WriteLine($"Starting Azurite (data in {location}) ...");
        return await AzuriteProcess.StartAsync(blob, queue, table, location, cancellationToken);
    }

    private static (int Blob, int Queue, int Table) PortsOf(string connectionString)
    {
        int Port(string key, int fallback)
        {
            var part = connectionString.Split(';').FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase));
            return part is null ? fallback : new Uri(part[(key.Length + 1)..]).Port;
        }

        return (Port("BlobEndpoint", 10000), Port("QueueEndpoint", 10001), Port("TableEndpoint", 10002));
    }

    private static string RepositoryRoot()
    {
        var azurite = AzuriteProcess.FindExecutable();
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(azurite)!, "..", ".."));
    }
}

using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole test run, started by the tests themselves on free loopback ports with
/// in-memory persistence, and stopped when the test process exits. Tests keep apart by using their own
/// ids (<see cref="Unique"/>), not separate emulators.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteProcess>> Process = new(StartAsync);

    public static async Task<StorageAccount> StorageAsync()
    {
        var azurite = await Process.Value;
        return StorageAccount.FromConnectionString(azurite.ConnectionString);
    }

    public static async Task<string> ConnectionStringAsync() => (await Process.Value).ConnectionString;

    private static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = await AzuriteProcess.StartInMemoryAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        await StorageProvisioner.EnsureAsync(StorageAccount.FromConnectionString(azurite.ConnectionString));
        return azurite;
    }
}

/// <summary>Ids unique to one test, so tests share storage without seeing each other's records.</summary>
public static class Unique
{
    public static string Slug(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];
}

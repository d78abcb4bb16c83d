using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// A local runner over an Azurite of its own, for tests that swap a seam, inject faults, or need to see
/// the whole store unchanged by anyone else (the shared runner serves everything else).
/// </summary>
public sealed class PrivateRunner : IAsyncDisposable
{
    private readonly AzuriteProcess _azurite;

    private PrivateRunner(AzuriteProcess azurite, DevHostApp app)
    {
        _azurite = azurite;
        App = app;
        Storage = StorageAccount.FromConnectionString(azurite.ConnectionString);
        Http = RunnerHttp.Client(app);
        RunnerStorage.Register(Http.BaseAddress!, Storage);
    }

    public DevHostApp App { get; }

    public HttpClient Http { get; }

    /// <summary>Direct access to the runner's storage, without any seam the runner was given.</summary>
    public StorageAccount Storage { get; }

    public string ConnectionString => _azurite.ConnectionString;

    /// <param name="configure">Adjusts the options; the connection string is the new Azurite's (given to configure, for seams that need it).</param>
    public static async Task<PrivateRunner> StartAsync(Action<DevHostOptions, string>? configure = null)
    {
        var azurite = await AzuriteProcess.StartInMemoryAsync();
        try
        {
            var options = new DevHostOptions { StorageConnectionString = azurite.ConnectionString, StartAzuriteIfNeeded = false, StartMailServerIfNeeded = false, LoadSeeds = false };
            configure?.Invoke(options, azurite.ConnectionString);
            var mailbox = await TestMailbox.SharedAsync();
            return new PrivateRunner(azurite, await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0", .. mailbox.RunnerArguments], options));
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}

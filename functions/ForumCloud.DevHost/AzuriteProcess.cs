using System.Diagnostics;
using System.Net.Sockets;

namespace ForumCloud.DevHost;

/// <summary>
/// Azurite from the project's own node_modules (npm ci), on loopback, without telemetry (it would
/// otherwise not exit on SIGTERM), with `--skipApiVersionCheck` for the current Queues SDK.
/// Persistent (a folder) for local runs, `--inMemoryPersistence` for tests.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite and waits until its three ports answer.</summary>
    /// <param name="location">A data folder, or null for in-memory persistence.</param>
    public static async Task<AzuriteProcess> StartAsync(int blobPort, int queuePort, int tablePort, string? location, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string>
        {
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(), "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose",
        };
        if (location is null)
        {
            arguments.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            arguments.AddRange(["--location", location]);
        }

        var process = LocalTool.Start(FindExecutable(), arguments, "Azurite");
        var azurite = new AzuriteProcess(process, blobPort, queuePort, tablePort);
        try
        {
            await WaitForPortsAsync(process, [blobPort, queuePort, tablePort], TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>Starts Azurite on three free loopback ports with in-memory persistence (tests, benchmarks).</summary>
    public static async Task<AzuriteProcess> StartInMemoryAsync(CancellationToken cancellationToken = default)
    {
        // A free port is free when asked, not necessarily a moment later: another process starting at the same time can
        // take it first, and Azurite then exits at once. Fresh ports and another try, up to three (seen once in a full
        // suite run, with eight fixtures starting their Azurites at once).
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts(3);
            try
            {
                return await StartAsync(ports[0], ports[1], ports[2], location: null, cancellationToken);
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Distinct free ports: all are held open until each is chosen, so none is handed out twice.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public static int FreePort() => FreePorts(1)[0];

    /// <summary>node_modules/.bin/azurite, looked for upwards from the working directory and from the app's folder.</summary>
    public static string FindExecutable() =>
        LocalTool.FindNodeBin("azurite")
        ?? throw new FileNotFoundException(
            "Azurite is not installed. Run `npm ci` in the repository root (it installs the pinned Azurite from package.json), then try again.");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: with --disableTelemetry Azurite exits cleanly and flushes its data folder.
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static async Task WaitForPortsAsync(Process process, int[] ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ports.All(IsListening))
        {
            if (process.HasExited) throw new AzuriteExitedException($"Azurite exited with code {process.ExitCode} before it listened (is a port taken?).");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Azurite did not listen on {string.Join(", ", ports)} within {timeout.TotalSeconds} s.");
            await Task.Delay(100, cancellationToken);
        }
    }
}

/// <summary>Azurite stopped before it listened: most often one of its ports was taken.</summary>
public sealed class AzuriteExitedException(string message) : InvalidOperationException(message);

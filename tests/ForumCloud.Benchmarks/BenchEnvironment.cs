using System.Net.Http.Json;
using System.Diagnostics;
using Azure.Data.Tables;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Benchmarks;

/// <summary>A fresh in-memory Azurite and the local runner on a free loopback port, plus raw-storage baselines.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly AzuriteProcess _azurite;

    private BenchEnvironment(AzuriteProcess azurite, DevHostApp runner, StorageAccount storage, StorageRequestCounter requests, ServerTiming serverTiming)
    {
        _azurite = azurite;
        Requests = requests;
        ServerTiming = serverTiming;
        Runner = runner;
        Storage = storage;
        Http = runner.CreateClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });
        Http.Timeout = TimeSpan.FromMinutes(2);
    }

    public DevHostApp Runner { get; }

    public StorageAccount Storage { get; }

    public HttpClient Http { get; }

    /// <summary>Every storage request the runner makes (its own clients, queue listeners included).</summary>
    public StorageRequestCounter Requests { get; }

    /// <summary>The runner's own time per POST (see <see cref="Benchmarks.ServerTiming"/>).</summary>
    public ServerTiming ServerTiming { get; }

    public static async Task<BenchEnvironment> StartAsync()
    {
        var azurite = await AzuriteProcess.StartInMemoryAsync();
        var requests = new StorageRequestCounter();
        var serverTiming = new ServerTiming();
        var options = new DevHostOptions
        {
            StorageConnectionString = azurite.ConnectionString,
            StartAzuriteIfNeeded = false,
            StartMailServerIfNeeded = false,
            LoadSeeds = false,
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
            ConfigureServices = services =>
            {
                services.AddSingleton(StorageAccount.FromConnectionString(
                    azurite.ConnectionString, o => o.AddPolicy(requests, Azure.Core.HttpPipelinePosition.PerCall)));
                // One client sends every request from one address: the per-client limits would measure themselves.
                services.AddSingleton(new RateLimits(int.MaxValue, int.MaxValue, 0));
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(serverTiming);
            },
        };
        var runner = await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0"], options);
        return new BenchEnvironment(azurite, runner, StorageAccount.FromConnectionString(azurite.ConnectionString), requests, serverTiming);
    }

    /// <summary>Sequential single-entity inserts into one partition of a scratch table: the storage's own pace here.</summary>
    public async Task<double> RawInsertRpsAsync(int count = 500)
    {
        var table = Storage.Table("benchraw" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await table.AddEntityAsync(new TableEntity("p", i.ToString("D6")) { ["Value"] = i });
        watch.Stop();
        await table.DeleteAsync();
        return Math.Round(count / watch.Elapsed.TotalSeconds, 1);
    }

    /// <summary>
    /// The storage's floor under one event's burst: <paramref name="transactions"/> entity-group transactions of
    /// <paramref name="rows"/> inserts each, one after another into one partition, as a seat ledger's commits must
    /// run (each under the ETag the last one returned). Milliseconds for the whole chain.
    /// </summary>
    public async Task<double> SerialTransactionChainMsAsync(int transactions, int rows)
    {
        var table = Storage.Table("benchchain" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        var watch = Stopwatch.StartNew();
        for (var t = 0; t < transactions; t++)
        {
            var actions = Enumerable.Range(0, rows).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity("p", $"{t:D4}-{i:D3}") { ["Name"] = "Attendee " + i, ["Email"] = $"attendee{i}@example.org", ["Status"] = "waitlisted" }));
            await table.SubmitTransactionAsync(actions);
        }

        watch.Stop();
        await table.DeleteAsync();
        return Math.Round(watch.Elapsed.TotalMilliseconds, 1);
    }

    /// <summary>Sequential queue sends to a scratch queue.</summary>
    public async Task<double> RawQueueSendRpsAsync(int count = 500)
    {
        var queue = Storage.Queue("benchraw-" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await queue.SendMessageAsync("{\"n\":" + i + "}");
        watch.Stop();
        await queue.DeleteAsync();
        return Math.Round(count / watch.Elapsed.TotalSeconds, 1);
    }

    /// <summary>CPU seconds used so far by this process (benchmark client and runner) and by Azurite: where a scenario's time goes.</summary>
    public (double Runner, double Azurite) CpuSeconds()
    {
        using var azurite = Process.GetProcessById(_azurite.ProcessId);
        return (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, azurite.TotalProcessorTime.TotalSeconds);
    }

    /// <summary>
    /// A published event whose registration opened yesterday and closes 29 days on, starting <paramref name="daysAhead"/>
    /// days from now, created through the staff route as staff would. Returns its id.
    /// </summary>
    public async Task<string> CreateOpenEventAsync(string eventId, string title, int capacity, string track = "parallel-forum", int daysAhead = 30)
    {
        var now = DateTimeOffset.UtcNow;
        static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        var response = await Http.PostAsJsonAsync("api/staff/events", new
        {
            eventId,
            title,
            track,
            startsAt = Iso(now.AddDays(daysAhead)),
            endsAt = Iso(now.AddDays(daysAhead).AddHours(3)),
            venue = "Zhongguancun International Innovation Center",
            languages = new[] { "zh", "en" },
            capacity,
            registrationOpensAt = Iso(now.AddDays(-1)),
            registrationClosesAt = Iso(now.AddDays(daysAhead - 1)),
            status = "published",
        });
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the event failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return eventId;
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return Math.Round(sorted[Math.Clamp(rank, 0, sorted.Length - 1)], 1);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Runner.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}

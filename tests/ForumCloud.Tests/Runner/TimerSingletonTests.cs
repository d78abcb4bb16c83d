using System.Diagnostics;
using System.Net;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Runner;

/// <summary>
/// A timer fires on one instance only, as in Azure: two runner processes (this test process and a child
/// process) host the same every-second timer over the same storage; one holds the blob lease and fires,
/// and when it goes away the other takes over.
/// </summary>
public sealed class TimerSingletonTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _hostId = "singleton-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _firesQueue = "test-singleton-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _childKey = Secrets.NewToken();
    private StorageAccount _storage = null!;
    private DevHostApp? _inProcess;
    private Process? _child;

    public async Task InitializeAsync()
    {
        _storage = await SharedAzurite.StorageAsync();
        await _storage.Queue(_firesQueue).CreateAsync();
        _inProcess = await StartInProcessAsync();
        _child = await StartChildAsync();
    }

    public async Task DisposeAsync()
    {
        if (_inProcess is not null) await _inProcess.DisposeAsync();
        StopChild();
        await _storage.Queue(_firesQueue).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task Two_runner_processes_fire_a_timer_on_one_of_them_and_the_other_takes_over_when_it_stops()
    {
        await DrainAsync(); // fires from before both runners were up
        await Task.Delay(TimeSpan.FromSeconds(6));
        var together = await DrainAsync();
        output.WriteLine($"both running, 6 s: {together.Count} fires by {string.Join(", ", together.Distinct())}");
        Assert.True(together.Count >= 3, $"expected fires every second, saw {together.Count}");
        var holder = Assert.Single(together.Distinct());

        // The holder goes away: the in-process runner stops (and releases its lease), or the child is killed (its lease runs out).
        var survivor = holder == "in-process" ? "child" : "in-process";
        if (holder == "in-process")
        {
            await _inProcess!.DisposeAsync();
            _inProcess = null;
        }
        else
        {
            StopChild();
        }

        var stopped = Stopwatch.StartNew();
        var after = await Eventually.ValueAsync(DrainAsync, fires => fires.Contains(survivor), TimeLimit, $"the {survivor} runner to take the timer over");
        output.WriteLine($"{holder} stopped; {survivor} fired after {stopped.Elapsed.TotalSeconds:F1} s (lease {TimerLock.LeasePeriod.TotalSeconds} s)");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.All(after.Concat(await DrainAsync()).SkipWhile(f => f != survivor), f => Assert.Equal(survivor, f));
    }

    private static readonly TimeSpan TimeLimit = TimerLock.LeasePeriod + TimerLock.RetryInterval + TimeSpan.FromSeconds(20);

    private async Task<List<string>> DrainAsync()
    {
        var fires = new List<string>();
        var queue = _storage.Queue(_firesQueue);
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) return fires;
            foreach (var message in batch)
            {
                fires.Add(message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private IEnumerable<(string Key, string Value)> Settings(string runnerName) =>
    [
        ($"{HostJson.OverrideSection}:functions:0", SingletonTimerFunctions.Name),
        ("DevHost:HostId", _hostId),
        (SingletonTimerFunctions.FiresQueueSetting, _firesQueue),
        (SingletonTimerFunctions.RunnerNameSetting, runnerName),
    ];

    private async Task<DevHostApp> StartInProcessAsync()
    {
        var options = new DevHostOptions { StorageConnectionString = await SharedAzurite.ConnectionStringAsync(), StartAzuriteIfNeeded = false, LoadSeeds = false };
        options.FunctionAssemblies.Clear();
        options.FunctionAssemblies.Add(typeof(SingletonTimerFunctions).Assembly);
        return await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0", .. Settings("in-process").Select(s => $"--{s.Key}={s.Value}")], options);
    }

    private async Task<Process> StartChildAsync()
    {
        var port = AzuriteProcess.FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ForumCloud.DevHost.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment[SettingNames.Storage] = await SharedAzurite.ConnectionStringAsync();
        info.Environment[FunctionKeys.Setting] = _childKey;
        info.Environment["DevHost__FunctionAssemblies__0"] = typeof(SingletonTimerFunctions).Assembly.Location;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in Settings("child")) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var child = Process.Start(info)!;
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine("child: " + e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();

        using var http = RunnerHttp.Client(new Uri($"http://127.0.0.1:{port}/"), _childKey);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (child.HasExited) throw new InvalidOperationException($"The child runner exited with code {child.ExitCode}.");
            try
            {
                if ((await http.GetAsync("admin/functions")).StatusCode == HttpStatusCode.OK) return child;
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException("The child runner did not answer /admin/functions.");
            await Task.Delay(250);
        }
    }

    private void StopChild()
    {
        if (_child is { HasExited: false })
        {
            _child.Kill(entireProcessTree: true);
            _child.WaitForExit(10_000);
        }

        _child?.Dispose();
        _child = null;
    }
}

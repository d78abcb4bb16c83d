using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace ForumCloud.Benchmarks;

/// <summary>
/// autocannon (npm, a load generator nobody here wrote) against the runner: GET /api/chat (the chat page: rendered in
/// memory, no storage; the trivial route, the yardstick), GET /api/health (not trivial: it probes a table and a
/// queue on every call), GET /api/events, GET /api/events/{id} and POST /api/ask, one after the other in the same
/// run, each for `-- public-load SECONDS` (default 10) with 32 connections. Prints requests/s and p99 of each, and
/// each route's ratio to the static page and (as before) to /api/health.
/// </summary>
public sealed class PublicLoadScenario : IScenario
{
    public string Name => "public-load";

    public async Task<object> RunAsync(BenchEnvironment bench, string[] args)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
        var eventIds = new List<string>();
        for (var i = 0; i < 20; i++) eventIds.Add(await CreateEventAsync(bench, i));
        var baseUrl = bench.Runner.BaseUrl;
        var targets = new (string Name, string[] Arguments)[]
        {
            ("staticPage", [baseUrl + "/api/chat"]),
            ("health", [baseUrl + "/api/health"]),
            ("listEvents", [baseUrl + "/api/events"]),
            ("getEvent", [$"{baseUrl}/api/events/{eventIds[7]}"]),
            ("ask", ["-m", "POST", "-H", "Content-Type=application/json", "-b", """{"question":"Who prepares the Zhongguancun Forum?"}""", baseUrl + "/api/ask"]),
        };

        var results = new Dictionary<string, (double Rps, double P99, long Non2xx, long Errors)>();
        foreach (var (name, arguments) in targets) results[name] = await AutocannonAsync(arguments, seconds);

        var health = results["health"];
        var staticPage = results["staticPage"];
        object Figures(string name) => new
        {
            rps = results[name].Rps,
            p99Ms = results[name].P99,
            non2xx = results[name].Non2xx,
            errors = results[name].Errors,
            rpsRatioToStatic = Math.Round(results[name].Rps / staticPage.Rps, 2),
            p99RatioToStatic = staticPage.P99 > 0 ? Math.Round(results[name].P99 / staticPage.P99, 2) : 0,
            rpsRatioToHealth = Math.Round(results[name].Rps / health.Rps, 2),
            p99RatioToHealth = health.P99 > 0 ? Math.Round(results[name].P99 / health.P99, 2) : 0,
        };

        return new
        {
            scenario = Name,
            tool = "autocannon 9.0.0",
            connections = 32,
            secondsEach = seconds,
            staticPage = Figures("staticPage"),
            health = Figures("health"),
            listEvents = Figures("listEvents"),
            getEvent = Figures("getEvent"),
            ask = Figures("ask"),
        };
    }

    private static async Task<(double Rps, double P99, long Non2xx, long Errors)> AutocannonAsync(string[] arguments, int seconds)
    {
        var info = new ProcessStartInfo(FindAutocannon()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-j", "-c", "32", "-d", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(arguments)) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("autocannon did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"autocannon failed ({process.ExitCode}): {await errors}");
        var json = JsonDocument.Parse(await output).RootElement;
        return (json.GetProperty("requests").GetProperty("average").GetDouble(), json.GetProperty("latency").GetProperty("p99").GetDouble(),
            json.GetProperty("non2xx").GetInt64(), json.GetProperty("errors").GetInt64());
    }

    /// <summary>node_modules/.bin/autocannon (a devDependency in package.json).</summary>
    private static string FindAutocannon() =>
        ForumCloud.DevHost.LocalTool.FindNodeBin("autocannon") ?? throw new FileNotFoundException("autocannon is not installed. Run `npm ci` in the repository root.");

    private static Task<string> CreateEventAsync(BenchEnvironment bench, int i) =>
        bench.CreateOpenEventAsync($"bench-load-{i:D2}-{Guid.NewGuid():N}"[..30], $"Public load event {i}", 500, i % 2 == 0 ? "parallel-forum" : "side-event", 30 + i);
}

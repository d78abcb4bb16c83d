using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ForumCloud.Benchmarks.Partners;

/// <summary>
/// `cooperations [records] [concurrency]`: creates records over HTTP, moves each one step, races staff on
/// the same version, pages the staff query and runs the expiry scan twice. Prints rates, latencies and the
/// race outcome (every round must have exactly one winner).
/// </summary>
public sealed class CooperationScenario : IScenario
{
    public string Name => "cooperations";

    public async Task<object> RunAsync(BenchEnvironment bench, string[] args)
    {
        var records = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 16;
        var http = bench.Http;
        var rawInsertRps = await bench.RawInsertRpsAsync();

        var (partnerId, token) = await BenchIdentities.VerifiedPartnerAsync(bench);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // Creates: every fifth record ends within 30 days, so the scan has reminders to write.
        var createLatencies = new List<double>();
        var ids = new List<string>();
        var created = await TimedAsync(records, concurrency, async i =>
        {
            var end = i % 5 == 0 ? today.AddDays(10) : today.AddYears(2);
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/partners/{partnerId}/cooperations")
            {
                Content = Body(new { title = $"Record {i}", type = "joint-research", fields = new[] { "ai" }, startDate = "2026-01-01", endDate = end.ToString("yyyy-MM-dd"), description = "Bench." }),
            };
            request.Headers.Add("X-Access-Token", token);
            var body = await JsonAsync(await http.SendAsync(request));
            lock (ids) ids.Add(body.GetProperty("cooperationId").GetString()!);
        }, createLatencies);

        var transitionLatencies = new List<double>();
        var transitioned = await TimedAsync(ids.Count, concurrency, async i =>
            await JsonAsync(await http.PostAsync($"api/staff/cooperations/{ids[i]}/transitions", Body(new { to = "under-review", version = 1 }))), transitionLatencies);

        // Races: for each of 50 records, `concurrency` staff requests from the same version at once.
        var rounds = Math.Min(50, ids.Count);
        int wins = 0, stale = 0, other = 0;
        for (var r = 0; r < rounds; r++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return (await http.PostAsync($"api/staff/cooperations/{ids[r]}/transitions", Body(new { to = "signed", version = 2 }))).StatusCode;
            })).ToArray();
            start.SetResult();
            foreach (var status in await Task.WhenAll(racers))
            {
                if (status == HttpStatusCode.OK) wins++;
                else if (status == HttpStatusCode.PreconditionFailed) stale++;
                else other++;
            }
        }

        var pageLatencies = new List<double>();
        string? continuation = null;
        var listed = 0;
        do
        {
            var watch = Stopwatch.StartNew();
            var page = await JsonAsync(await http.GetAsync($"api/staff/cooperations?partnerId={partnerId}&pageSize=100" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))));
            pageLatencies.Add(watch.Elapsed.TotalMilliseconds);
            listed += page.GetProperty("items").GetArrayLength();
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.Null ? null : page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);

        var scan1 = Stopwatch.StartNew();
        (await http.PostAsync("admin/functions/CooperationExpiryScan", Body(new { }))).EnsureSuccessStatusCode();
        scan1.Stop();
        var scan2 = Stopwatch.StartNew();
        (await http.PostAsync("admin/functions/CooperationExpiryScan", Body(new { }))).EnsureSuccessStatusCode();
        scan2.Stop();

        return new
        {
            scenario = Name,
            records,
            concurrency,
            rawInsertRps,
            createRps = created,
            createP50Ms = BenchEnvironment.Percentile(createLatencies, 50),
            createP95Ms = BenchEnvironment.Percentile(createLatencies, 95),
            transitionRps = transitioned,
            transitionP50Ms = BenchEnvironment.Percentile(transitionLatencies, 50),
            transitionP95Ms = BenchEnvironment.Percentile(transitionLatencies, 95),
            raceRounds = rounds,
            raceWins = wins,
            raceStale412 = stale,
            raceOther = other,
            listed,
            pages = pageLatencies.Count,
            pageP50Ms = BenchEnvironment.Percentile(pageLatencies, 50),
            scanFirstMs = Math.Round(scan1.Elapsed.TotalMilliseconds, 1),
            scanSecondMs = Math.Round(scan2.Elapsed.TotalMilliseconds, 1),
        };
    }

    private static async Task<double> TimedAsync(int count, int concurrency, Func<int, Task> work, List<double> latencies)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var one = Stopwatch.StartNew();
                await work(i);
                lock (latencies) latencies.Add(one.Elapsed.TotalMilliseconds);
            }
        })));
        return Math.Round(count / watch.Elapsed.TotalSeconds, 1);
    }

    private static StringContent Body(object body) => new(JsonSerializer.Serialize(body, new JsonSerializerOptions(JsonSerializerDefaults.Web)), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}

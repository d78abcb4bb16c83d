using System.Diagnostics;
using System.Net;
using System.Text;
using ForumCloud.Functions.Events;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Benchmarks;

/// <summary>
/// 100,000 registrations (or `-- lane-memory N`) for random event ids that do not exist, 64 at a time, over HTTP.
/// Each must be a 404 that leaves nothing behind: the process's working set (after a full GC) before and after, its
/// growth (must not exceed 20 MB), the managed heap (what the app itself holds), and the seat allocator's lanes left (must be 0).
/// </summary>
public sealed class LaneMemoryScenario : IScenario
{
    public string Name => "lane-memory";

    public async Task<object> RunAsync(BenchEnvironment bench, string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100_000;
        var allocator = bench.Runner.Services.GetRequiredService<SeatAllocator>();
        var body = $$"""{"name":"Random Visitor","email":"random@example.org","organization":"Nowhere","country":"DE","privacyNoticeVersion":"{{BenchConsent.Version}}"}""";

        // Warm up the path (JIT, tiered compilation, thread pool, connection pools, the GC's regions) so that "before"
        // is the steady state, not the cold start: 2,000 warm-up requests left ~17 MB of one-time native growth here.
        await SendAsync(bench, 10_000, body);
        var before = WorkingSetMb();
        var heapBefore = HeapMb();
        var watch = Stopwatch.StartNew();
        var statuses = await SendAsync(bench, count, body);
        watch.Stop();
        var after = WorkingSetMb();
        var heapAfter = HeapMb();

        return new
        {
            scenario = Name,
            requests = count,
            notFound = statuses.GetValueOrDefault(HttpStatusCode.NotFound),
            other = count - statuses.GetValueOrDefault(HttpStatusCode.NotFound),
            rps = Math.Round(count / watch.Elapsed.TotalSeconds, 1),
            lanesLeft = allocator.LaneCount,
            workingSetBeforeMb = before,
            workingSetAfterMb = after,
            workingSetGrowthMb = Math.Round(after - before, 1),
            managedHeapBeforeMb = heapBefore,
            managedHeapAfterMb = heapAfter,
        };
    }

    private static async Task<Dictionary<HttpStatusCode, int>> SendAsync(BenchEnvironment bench, int count, string body)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var eventId = "random-" + Guid.NewGuid().ToString("N")[..16];
                using var response = await bench.Http.PostAsync($"api/events/{eventId}/registrations", new StringContent(body, Encoding.UTF8, "application/json"));
                statuses.AddOrUpdate(response.StatusCode, 1, (_, c) => c + 1);
            }
        }));
        return new Dictionary<HttpStatusCode, int>(statuses);
    }

    private static double HeapMb() => Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0, 1);

    private static double WorkingSetMb()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return Math.Round(self.WorkingSet64 / 1024.0 / 1024.0, 1);
    }
}

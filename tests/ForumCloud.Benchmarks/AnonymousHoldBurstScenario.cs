using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace ForumCloud.Benchmarks;

/// <summary>
/// The anonymous hold path under the same burst: 500 concurrent registrations without a partner into one event of
/// capacity 100. Each answers 202 and holds a seat or waitlist place in the allocation transaction, then queues its
/// confirmation mail and its expiry message. Checks from storage: 100 seats held, 400 waitlist places held, 0 oversell.
/// </summary>
public sealed class AnonymousHoldBurstScenario : IScenario
{
    public string Name => "registration-burst-anonymous";

    public async Task<object> RunAsync(BenchEnvironment bench, string[] args)
    {
        const int requests = 500;
        const int capacity = 100;
        var eventId = "bench-hold-" + Guid.NewGuid().ToString("N")[..8];
        await bench.CreateOpenEventAsync(eventId, "Anonymous hold burst benchmark", capacity);
        await bench.Http.GetAsync($"api/events/{eventId}");

        var latencies = new double[requests];
        var statuses = new HttpStatusCode?[requests];
        bench.Requests.Reset();
        bench.ServerTiming.Reset();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            var body = JsonContent.Create(new { name = $"Visitor {i}", email = $"visitor{i}@example.org", organization = "Benchmark Institute", country = "DE", privacyNoticeVersion = BenchConsent.Version });
            await body.LoadIntoBufferAsync();
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var response = await bench.Http.PostAsync($"api/events/{eventId}/registrations", body);
                statuses[i] = response.StatusCode;
            }
            catch (HttpRequestException)
            {
            }

            latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        }));
        watch.Stop();
        var requestsPerRegistration = bench.Requests.Per(requests);
        var server = bench.ServerTiming.Milliseconds;
        Console.Error.WriteLine("storage requests per registration during the burst: " + System.Text.Json.JsonSerializer.Serialize(requestsPerRegistration));
        Console.Error.WriteLine($"time in the runner per registration: p50 {BenchEnvironment.Percentile(server, 50)} ms, p99 {BenchEnvironment.Percentile(server, 99)} ms");

        var (seats, waitlist, held) = await RegistrationBurstScenario.StoredPlacesAsync(bench, eventId);
        var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
        Console.Error.WriteLine($"stored: seats={seats} waitlist={waitlist} held={held}; answered 202: {accepted}");
        return new
        {
            scenario = Name,
            path = "anonymous-hold",
            requests,
            capacity,
            accepted,
            errors = requests - accepted,
            heldSeats = seats,
            heldWaitlist = waitlist,
            oversell = Math.Max(0, seats - capacity),
            rps = Math.Round(requests / watch.Elapsed.TotalSeconds, 1),
            p50Ms = BenchEnvironment.Percentile(latencies, 50),
            p99Ms = BenchEnvironment.Percentile(latencies, 99),
            serverP99Ms = BenchEnvironment.Percentile(server, 99),
            storageRequestsPerRegistration = Math.Round(requestsPerRegistration.Values.Sum(), 2),
        };
    }
}

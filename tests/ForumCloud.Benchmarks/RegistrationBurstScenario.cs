using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.DevHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ForumCloud.Benchmarks;

/// <summary>
/// Concurrent registrations over HTTP through a verified partner's token (the path that confirms at once): 500 into
/// one event of capacity 100 (or `-- registration-burst 10000 3000`: requests, then capacity; a third argument
/// `deferred` pauses the runner's queue listeners during the burst, to see the registration path apart from the
/// notice work it queues). Checks the invariants (exactly capacity confirmed, the rest waitlisted at positions 1..n
/// each once, no errors, 0 oversell in storage) and compares the throughput with sequential single-entity inserts
/// into the same Azurite.
/// </summary>
public sealed class RegistrationBurstScenario : IScenario
{
    public string Name => "registration-burst";

    public async Task<object> RunAsync(BenchEnvironment bench, string[] args)
    {
        var (partnerId, token) = await BenchIdentities.VerifiedPartnerAsync(bench);
        var requests = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 500;
        var capacity = args.Length > 1 && int.TryParse(args[1], out var c) ? c : 100;
        var eventId = "bench-burst-" + Guid.NewGuid().ToString("N")[..8];
        await bench.CreateOpenEventAsync(eventId, "Registration burst benchmark", capacity);

        // Warm up the HTTP path, then measure the baseline BEFORE the burst: afterwards the queue handler is still
        // writing notices and would slow the baseline down (flattering the ratio).
        await bench.Http.GetAsync($"api/events/{eventId}");
        var rawInsertRps = await bench.RawInsertRpsAsync();
        // The seat transactions this burst needs at the fullest (MaxBatch registrations each), committed one after
        // another with nothing else running: no burst into one event can finish sooner on this storage.
        var seatTransactions = (int)Math.Ceiling(requests / (double)SeatAllocator.MaxBatch);
        var serialCommitFloorMs = await bench.SerialTransactionChainMsAsync(seatTransactions, SeatAllocator.MaxOperations - 1);

        var latencies = new double[requests];
        var answers = new JsonElement?[requests];
        using var start = new ManualResetEventSlim();
        var watch = new Stopwatch();
        var tasks = Enumerable.Range(0, requests).Select(async i =>
        {
            var body = JsonContent.Create(new { name = $"Attendee {i}", email = $"attendee{i}@example.org", organization = "Benchmark Institute", country = "DE", partnerId, privacyNoticeVersion = BenchConsent.Version });
            await body.LoadIntoBufferAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/events/{eventId}/registrations") { Content = body };
            request.Headers.Add("X-Access-Token", token);
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var response = await bench.Http.SendAsync(request);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.Created) answers[i] = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }
            catch (HttpRequestException)
            {
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        }).ToList();
        var deferred = args.Length > 2 && args[2] == "deferred";
        var listeners = bench.Runner.Services.GetServices<IHostedService>().OfType<QueueTriggerListener>().ToList();
        if (deferred) foreach (var listener in listeners) await listener.StopAsync(CancellationToken.None);
        bench.Requests.Reset();
        bench.ServerTiming.Reset();
        var cpuBefore = bench.CpuSeconds();
        watch.Start();
        await Task.WhenAll(tasks);
        watch.Stop();
        var cpuAfter = bench.CpuSeconds();
        var requestsPerRegistration = bench.Requests.Per(requests);
        if (deferred) foreach (var listener in listeners) await listener.StartAsync(CancellationToken.None);
        Console.Error.WriteLine($"cpu seconds during the burst: runner+client {cpuAfter.Runner - cpuBefore.Runner:F2}, azurite {cpuAfter.Azurite - cpuBefore.Azurite:F2}, wall {watch.Elapsed.TotalSeconds:F2}");
        Console.Error.WriteLine("storage requests per registration during the burst: " + JsonSerializer.Serialize(requestsPerRegistration));
        var server = bench.ServerTiming.Milliseconds;
        Console.Error.WriteLine($"time in the runner per registration: p50 {BenchEnvironment.Percentile(server, 50)} ms, p99 {BenchEnvironment.Percentile(server, 99)} ms ({server.Count} requests); the rest of the client's latency is connection setup and the network stack");

        var ok = answers.Where(a => a is not null).Select(a => a!.Value).ToList();
        var confirmed = ok.Count(a => a.GetProperty("status").GetString() == "confirmed");
        var positions = ok.Where(a => a.GetProperty("status").GetString() == "waitlisted").Select(a => a.GetProperty("waitlistPosition").GetInt32()).ToList();
        var positionsUnique = positions.Order().SequenceEqual(Enumerable.Range(1, positions.Count));

        // What storage holds must agree with what clients were told.
        var stored = await bench.Http.GetFromJsonAsync<JsonElement>($"api/events/{eventId}");
        var storedConfirmed = stored.GetProperty("capacity").GetInt32() - stored.GetProperty("seatsLeft").GetInt32();
        var storedWaitlist = stored.GetProperty("waitlistLength").GetInt32();

        var rps = Math.Round(requests / watch.Elapsed.TotalSeconds, 1);
        var seats = (await StoredPlacesAsync(bench, eventId)).Seats;
        Console.Error.WriteLine($"stored: confirmed={storedConfirmed} waitlist={storedWaitlist}; waitlist positions 1..{positions.Count} each once: {positionsUnique}");
        return new
        {
            scenario = Name,
            path = "partner",
            oversell = Math.Max(0, seats - capacity),
            requests,
            queueListenersDuringBurst = deferred ? "paused" : "running",
            capacity,
            confirmed,
            waitlisted = positions.Count,
            errors = requests - ok.Count,
            rps,
            p50Ms = BenchEnvironment.Percentile(latencies, 50),
            p99Ms = BenchEnvironment.Percentile(latencies, 99),
            serverP99Ms = BenchEnvironment.Percentile(server, 99),
            cpuSecondsRunnerAndClient = Math.Round(cpuAfter.Runner - cpuBefore.Runner, 2),
            cpuSecondsAzurite = Math.Round(cpuAfter.Azurite - cpuBefore.Azurite, 2),
            seatTransactions,
            serialCommitFloorMs,
            rawInsertRps,
            ratio = Math.Round(rps / rawInsertRps, 2),
            positionsUnique,
            storedConfirmed,
            storedWaitlist,
            storageRequestsPerRegistration = Math.Round(requestsPerRegistration.Values.Sum(), 2),
        };
    }

    /// <summary>Seats (confirmed or held) and waitlist places (waitlisted or held) as storage has them: oversell is seats past capacity.</summary>
    public static async Task<(int Seats, int Waitlist, int Held)> StoredPlacesAsync(BenchEnvironment bench, string eventId)
    {
        var (seats, waitlist, held) = (0, 0, 0);
        await foreach (var row in bench.Storage.Table(TableNames.ForumEvents).QueryAsync<RegistrationRow>(EventKeys.RegistrationsOf(eventId)))
        {
            var pending = row.StatusValue == RegistrationStatus.PendingConfirmation;
            var place = pending ? StoredEnum.ReadOptional<RegistrationStatus>(row.HeldPlace) : row.StatusValue;
            if (pending) held++;
            if (place == RegistrationStatus.Confirmed) seats++;
            else if (place == RegistrationStatus.Waitlisted) waitlist++;
        }

        return (seats, waitlist, held);
    }
}

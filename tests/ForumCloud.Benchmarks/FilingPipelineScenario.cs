using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ForumCloud.DevHost;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ForumCloud.Benchmarks;

/// <summary>
/// Submits 1,000 filings over HTTP (a mix of free, restricted and prohibited technologies, both
/// directions), waits until every one is final, checks the certificate numbers (no duplicates, no gaps
/// per series), and compares the processing pace with raw queue sends on the same Azurite.
/// The runner's queue listeners are paused while the filings are submitted, so that the two phases are
/// measured apart on this small machine: submitRps = filings / submission time; processedPerSec =
/// filings / (time from resuming the listeners until the last filing is final).
/// Filings come from ten verified applicants (one enterprise each). No certificate is issued without a staff decision
/// (issue 12), so screening ends in awaiting-registration or review-required, and `final` counts filings that reached
/// a decided or awaiting-decision state; then the scenario decides as staff would (approve free and restricted
/// filings, reject likely prohibited ones) over HTTP, and the certificate checks run on the numbers that gave:
/// decidedPerSec = filings / decision time.
/// </summary>
public sealed class FilingPipelineScenario : IScenario
{
    private static readonly (string Direction, string Name, string Description, int Weight)[] Mix =
    [
        ("export", "Industrial IoT gateway firmware", "Edge gateways collecting machine telemetry over OPC UA.", 25),
        ("export", "Wind turbine pitch control software", "Control algorithms and source code licence for pitch systems.", 15),
        ("import", "Pharmaceutical tablet coating process", "Know-how for film coating of tablets.", 15),
        ("import", "Semiconductor test handler maintenance", "Technical service for automated test equipment.", 10),
        ("export", "Long-range lidar for trucks", "Know-how for a lidar system for autonomous trucks.", 10),
        ("export", "Sodium battery cathodes", "Preparation of layered cathode materials.", 6),
        ("export", "Voice assistant", "Speech synthesis engine for dialects.", 4),
        ("import", "Electroplating line", "Cyanide electroplating line know-how.", 5),
        ("export", "Cell therapy platform", "Genome editing of human cells.", 5),
        ("export", "NdFeB magnet plant", "Rare-earth permanent magnet sintering.", 3),
        ("import", "Caustic soda plant", "Mercury cell electrolysis.", 2),
    ];

    private const int Applicants = 10;

    private static readonly HashSet<string> FinalStatuses = ["awaiting-registration", "registered", "review-required", "rejected", "processing-failed"];

    public string Name => "filing-pipeline";

    public async Task<object> RunAsync(BenchEnvironment bench, string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1000;
        var rawQueueSendRps = await bench.RawQueueSendRpsAsync();

        var bodies = Enumerable.Range(0, count).Select(Body).ToList();
        var tokens = new List<string>();
        for (var a = 0; a < Applicants; a++) tokens.Add(await BenchIdentities.VerifiedApplicantAsync(bench, UsccOf(a)));
        var listeners = bench.Runner.Services.GetServices<IHostedService>().OfType<QueueTriggerListener>().ToList();
        foreach (var listener in listeners) await listener.StopAsync(CancellationToken.None);

        var filingIds = new List<string>(count);
        var watch = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(32))
        {
            var tasks = bodies.Select(async (body, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/filings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Add("X-Access-Token", tokens[i % Applicants]);
                    var response = await bench.Http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Submission failed: {(int)response.StatusCode} {text}");
                    return JsonDocument.Parse(text).RootElement.GetProperty("filingId").GetString()!;
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            filingIds.AddRange(await Task.WhenAll(tasks));
        }

        var submitSeconds = watch.Elapsed.TotalSeconds;
        var table = bench.Storage.Table(TableNames.Filings);
        var queue = bench.Storage.Queue(QueueNames.Filings);
        List<TableEntity> filings;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        watch.Restart();
        bench.Requests.Reset();
        var cpuBefore = bench.CpuSeconds();
        foreach (var listener in listeners) await listener.StartAsync(CancellationToken.None);
        while (true)
        {
            // The queue's count (in-flight messages included) is a cheap probe; the table is read once it is empty.
            if ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                continue;
            }

            filings = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {FilingRecord.RowKey}"), select: ["PartitionKey", "Status", "CertificateNumber"]).ToListAsync();
            if (filings.Count(f => FinalStatuses.Contains(f.GetString("Status") ?? "")) >= count || DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }

        var processSeconds = watch.Elapsed.TotalSeconds;
        var requestsPerFiling = bench.Requests.Per(count);
        var cpuAfter = bench.CpuSeconds();
        Console.Error.WriteLine($"cpu seconds while processing: runner+client {cpuAfter.Runner - cpuBefore.Runner:F1}, azurite {cpuAfter.Azurite - cpuBefore.Azurite:F1}, wall {watch.Elapsed.TotalSeconds:F1}");
        Console.Error.WriteLine("storage requests per filing while processing: " + JsonSerializer.Serialize(requestsPerFiling));
        var final = filings.Count(f => FinalStatuses.Contains(f.GetString("Status") ?? ""));
        var awaiting = filings.Count(f => f.GetString("Status") == "awaiting-registration");
        var review = filings.Count(f => f.GetString("Status") == "review-required");

        // Staff decide every filing waiting for them.
        watch.Restart();
        var decided = await DecideAsync(bench, filings.Where(f => f.GetString("Status") is "awaiting-registration" or "review-required").ToList());
        var decideSeconds = watch.Elapsed.TotalSeconds;
        filings = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {FilingRecord.RowKey}"), select: ["PartitionKey", "Status", "CertificateNumber"]).ToListAsync();
        var numbers = filings.Select(f => f.GetString("CertificateNumber")).OfType<string>().ToList();
        var duplicates = numbers.Count - numbers.Distinct().Count();
        var gaps = numbers.GroupBy(x => x[..6]).Sum(series =>
        {
            var sequences = series.Select(x => int.Parse(x[7..], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
            return sequences.Max() - sequences.Count; // missing numbers below the highest
        });

        int CountOf(string status) => filings.Count(f => f.GetString("Status") == status);
        var processedPerSec = Math.Round(count / processSeconds, 1);
        return new
        {
            scenario = Name,
            filings = count,
            final,
            awaitingRegistration = awaiting,
            reviewRequired = review,
            decided,
            registered = CountOf("registered"),
            rejected = CountOf("rejected"),
            duplicateCertificates = duplicates,
            gaps,
            submitRps = Math.Round(count / submitSeconds, 1),
            processedPerSec,
            rawQueueSendRps,
            ratio = Math.Round(processedPerSec / rawQueueSendRps, 2),
            storageRequestsPerFiling = Math.Round(requestsPerFiling.Values.Sum(), 2),
            decidedPerSec = Math.Round(decided / Math.Max(decideSeconds, 0.001), 1),
        };
    }

    /// <summary>Approves free and restricted filings, rejects likely prohibited ones (as staff would), 16 at a time.</summary>
    private static async Task<int> DecideAsync(BenchEnvironment bench, IReadOnlyList<TableEntity> waiting)
    {
        var flagged = (await bench.Storage.Table(TableNames.Filings).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"LikelyProhibited eq {true}"), select: ["PartitionKey"]).ToListAsync())
            .Select(e => e.PartitionKey).ToHashSet(StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(16);
        var results = await Task.WhenAll(waiting.Select(async f =>
        {
            await gate.WaitAsync();
            try
            {
                var reject = flagged.Contains(f.PartitionKey);
                var body = JsonSerializer.Serialize(new { decision = reject ? "reject" : "approve", note = reject ? "Prohibited catalogue item." : "Checked." });
                var response = await bench.Http.PostAsync($"api/staff/filings/{f.PartitionKey}/decision", new StringContent(body, Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Decision failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return 1;
            }
            finally
            {
                gate.Release();
            }
        }));
        return results.Sum();
    }

    private static string UsccOf(int applicant)
    {
        var first17 = "911101" + applicant.ToString("D2") + (100000000 + applicant).ToString("D9");
        return first17 + UnifiedSocialCreditCode.CheckCharacter(first17);
    }

    private static string Body(int i)
    {
        var total = Mix.Sum(m => m.Weight);
        var pick = i * 37 % total; // deterministic spread of the mix over the run
        var entry = Mix.First(m => (pick -= m.Weight) < 0);
        var uscc = UsccOf(i % Applicants);
        return JsonSerializer.Serialize(new
        {
            direction = entry.Direction,
            contract = new { number = $"BENCH-{i:D5}", title = "Technology licence agreement", signedOn = "2026-01-15", type = "know-how-licence" },
            domesticParty = new { name = $"Beijing Bench Company {i}", uscc },
            foreignParty = new { name = "Partner GmbH", country = "DE" },
            technology = new { name = entry.Name, field = "engineering", description = entry.Description },
            value = new { amount = 100000 + i, currency = "USD" },
            paymentMethod = "lump-sum",
        });
    }
}

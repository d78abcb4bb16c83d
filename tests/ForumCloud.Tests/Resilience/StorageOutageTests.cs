using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.DevHost;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// A real outage: Azurite (persistent, in a temp folder) is stopped under a running runner and started
/// again on the same ports. The app answers 503 with Retry-After meanwhile and recovers without a restart.
/// </summary>
public sealed class StorageOutageTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "forumcloud-outage-" + Guid.NewGuid().ToString("N"));
    private readonly int[] _ports = AzuriteProcess.FreePorts(3);
    private AzuriteProcess? _azurite;
    private DevHostApp _runner = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _azurite = await StartAzuriteAsync();
        var options = new DevHostOptions
        {
            StorageConnectionString = _azurite.ConnectionString,
            StartAzuriteIfNeeded = false,
            StartMailServerIfNeeded = false,
            LoadSeeds = false,
            // The test runs the filing sweeper by hand after the outage instead of waiting for its schedule.
            // Auto-registration on, so the outage is also a proof of gapless certificate numbers taken unattended.
            ConfigureServices = services => ApplicantApi.AutoRegister(services.AddSingleton(new ForumCloud.Functions.Filings.FilingSweepOptions { MinimumAge = TimeSpan.Zero })),
        };
        _runner = await DevHostApp.StartAsync(await TestMailbox.RunnerArgumentsAsync(), options);
        _http = RunnerHttp.Client(_runner, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _runner.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
        Directory.Delete(_location, recursive: true);
    }

    [Fact]
    public async Task Health_answers_503_with_retry_after_during_an_outage_and_recovers_without_a_restart()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("api/health")).StatusCode);

        await _azurite!.DisposeAsync();
        _azurite = null;
        var during = await _http.GetAsync("api/health");
        var problem = await Problems.AssertProblemAsync(during, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal("unavailable", problem.GetProperty("checks").GetProperty("tables").GetString());

        _azurite = await StartAzuriteAsync();
        await Eventually.TrueAsync(async () => (await _http.GetAsync("api/health")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "health to recover");
    }

    [Fact]
    public async Task Registrations_and_filings_sent_through_an_outage_are_answered_503_or_kept_exactly_once()
    {
        const int capacity = 15;
        // The load sends hundreds: a waitlist cap (4 × capacity by default) would answer 409 "full", which is not the point here.
        var eventId = await EventsApi.CreateEventAsync(_http, capacity: capacity, waitlistLimit: 100_000);
        var applicant = await ApplicantApi.VerifiedAsync(_http, approve: true);
        var registrations = new ConcurrentBag<(string Code, string Token)>();
        var filings = new ConcurrentBag<(string Id, string Token)>();
        var statuses = new ConcurrentBag<int>();
        var unexpected = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        async Task SendAsync(int n)
        {
            try
            {
                var registration = await EventsApi.PostRegistrationAsync(_http, eventId, EventsApi.Attendee($"outage{n}@example.org"));
                await RecordAsync(registration, HttpStatusCode.Created, body => registrations.Add((body.GetProperty("code").GetString()!, body.GetProperty("manageToken").GetString()!)));
                var filing = await ApplicantApi.FileAsync(_http, applicant, FilingSamples.Body(uscc: applicant.Uscc));
                await RecordAsync(filing, HttpStatusCode.Accepted, body => filings.Add((body.GetProperty("filingId").GetString()!, body.GetProperty("accessToken").GetString()!)));
            }
            catch (HttpRequestException ex)
            {
                unexpected.Add("connection: " + ex.Message);
            }
        }

        async Task RecordAsync(HttpResponseMessage response, HttpStatusCode success, Action<JsonElement> keep)
        {
            statuses.Add((int)response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == success) keep(JsonDocument.Parse(text).RootElement);
            else if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null || text.Contains("   at ", StringComparison.Ordinal))
                unexpected.Add($"{(int)response.StatusCode} {text}");
        }

        // Four phases: healthy (2 s), storage down (6 s: longer than the SDK's retries of one request, 0.2 + 0.4 + 0.8 s, and
        // than a seat lane's own retries, so some requests must give up with 503), storage back, healthy (3 s).
        var load = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await Task.WhenAll(SendAsync(2 * n), SendAsync(2 * n + 1));
            }
        });
        await Task.Delay(2000);
        await _azurite!.DisposeAsync();
        _azurite = null;
        await Task.Delay(6000);
        _azurite = await StartAzuriteAsync();
        await Task.Delay(3000);
        await stop.CancelAsync();
        await load;
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync("admin/functions/FilingSweeper", Problems.Json("{}"))).StatusCode);

        Assert.Empty(unexpected);
        Assert.Contains(503, statuses);
        Assert.NotEmpty(registrations);
        Assert.NotEmpty(filings);

        // Every accepted registration is stored exactly once, and the event is not oversold.
        var listed = await EventsApi.StaffListAsync(_http, eventId);
        var codes = listed.Select(r => r.GetProperty("code").GetString()!).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(registrations, r => Assert.Contains(r.Code, codes));
        Assert.True(listed.Count(r => r.GetProperty("status").GetString() == "confirmed") <= capacity);

        // Every accepted filing is processed after the recovery; certificate numbers are unique and gapless.
        // The runner leases a message for 10 minutes, as the host's listener does, so a message whose
        // release could not be written during the outage stays invisible that long: what brings such a
        // filing through is its retries and the FilingSweeper (every 2 minutes in Azure, run here by hand).
        var processed = await Eventually.ValueAsync(async () =>
            {
                Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync("admin/functions/FilingSweeper", Problems.Json("{}"))).StatusCode);
                await Task.Delay(1000); // what the sweep queued is processed meanwhile
                return await Task.WhenAll(filings.Select(f => FilingSamples.GetAsync(_http, f.Id, f.Token)));
            },
            all => all.All(v => v.GetProperty("status").GetString() is not ("submitted" or "screening")), TimeSpan.FromSeconds(120), "every accepted filing to be processed");
        Assert.All(processed, f => Assert.NotEqual("processing-failed", f.GetProperty("status").GetString()));

        // Numbers across every registered filing in the store (also one whose client saw a 503 while its
        // submission landed): unique and gapless per year and direction.
        var numbers = new List<string>();
        string? continuation = null;
        do
        {
            var page = await _http.GetFromJsonAsync<JsonElement>("api/staff/filings?status=registered&pageSize=100" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            numbers.AddRange(page.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("certificateNumber").GetString()!));
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);

        output.WriteLine($"outage: {statuses.Count} requests ({statuses.Count(s => s == 503)} answered 503), {registrations.Count} registrations and {filings.Count} filings accepted; " +
                         $"{listed.Count} registrations stored, {processed.Length} filings processed, {numbers.Count} certificate numbers checked");
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(processed.Where(f => f.TryGetProperty("certificateNumber", out _)), f => Assert.Contains(f.GetProperty("certificateNumber").GetString()!, numbers));
        foreach (var series in numbers.GroupBy(n => n[..^7]))
        {
            var sequence = series.Select(n => int.Parse(n[^6..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            Assert.Equal(Enumerable.Range(1, sequence.Count), sequence);
        }
    }

    private Task<AzuriteProcess> StartAzuriteAsync() => AzuriteProcess.StartAsync(_ports[0], _ports[1], _ports[2], _location);
}

using System.Net;
using ForumCloud.DevHost;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// A real outage: Azurite (persistent, in a temp folder) is stopped under a running runner and started
/// again on the same ports. The app answers 503 with Retry-After meanwhile and recovers without a restart.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "forumcloud-outage-" + Guid.NewGuid().ToString("N"));
    private readonly int[] _ports = [AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort()];
    private AzuriteProcess? _azurite;
    private DevHostApp _runner = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _azurite = await StartAzuriteAsync();
        var options = new DevHostOptions { StorageConnectionString = _azurite.ConnectionString, StartAzuriteIfNeeded = false, LoadSeeds = false };
        _runner = await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0"], options);
        _http = new HttpClient { BaseAddress = new Uri(_runner.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
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

    private Task<AzuriteProcess> StartAzuriteAsync() => AzuriteProcess.StartAsync(_ports[0], _ports[1], _ports[2], _location);
}

using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// The table write succeeds and the enqueue fails. A filing is rolled back: the client gets a 503 and
/// nothing is stored, so sending the same filing again completes it. (Registrations keep what they
/// committed and the registration sweeper re-announces it; see the events tests.)
/// </summary>
public sealed class PartialFailureTests : IAsyncLifetime
{
    private volatile bool _queueDown = true;
    private AzuriteProcess _azurite = null!;
    private DevHostApp _runner = null!;
    private HttpClient _http = null!;
    private StorageAccount _storage = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartInMemoryAsync();
        var policy = new TransientFaultPolicy(
            m => _queueDown && m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith($"/{QueueNames.Filings}/messages", StringComparison.Ordinal),
            failuresPerRequest: int.MaxValue);
        var connection = _azurite.ConnectionString;
        _runner = await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0"], new DevHostOptions
        {
            StorageConnectionString = connection,
            StartAzuriteIfNeeded = false,
            LoadSeeds = false,
            ConfigureServices = services => services.AddSingleton(StorageAccount.FromConnectionString(connection, o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry))),
        });
        _storage = StorageAccount.FromConnectionString(connection);
        _http = new HttpClient { BaseAddress = new Uri(_runner.BaseUrl + "/") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _runner.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_filing_whose_enqueue_fails_is_rolled_back_and_the_same_filing_sent_again_completes()
    {
        var body = FilingSamples.Body();
        var before = await StorageSnapshot.TakeAsync(_storage);

        var failed = await _http.PostAsync("api/filings", FilingSamples.Content(body));

        await Problems.AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.Equal(before, await StorageSnapshot.TakeAsync(_storage));

        _queueDown = false;
        var (filingId, token) = await FilingSamples.SubmitAsync(_http, body);
        var processed = await FilingSamples.WaitProcessedAsync(_http, filingId, token);
        Assert.Equal("registered", processed.GetProperty("status").GetString());
    }
}

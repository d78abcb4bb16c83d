using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
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
    private PrivateRunner _runner = null!;

    public async Task InitializeAsync()
    {
        var policy = new TransientFaultPolicy(
            m => _queueDown && m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith($"/{QueueNames.Filings}/messages", StringComparison.Ordinal),
            failuresPerRequest: int.MaxValue);
        _runner = await PrivateRunner.StartAsync((options, connection) => options.ConfigureServices = services =>
            services.AddSingleton(StorageAccount.FromConnectionString(connection, o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry))));
    }

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task A_filing_whose_enqueue_fails_is_rolled_back_and_the_same_filing_sent_again_completes()
    {
        var body = FilingSamples.Body();
        var before = await StorageSnapshot.TakeAsync(_runner.Storage);

        var failed = await _runner.Http.PostAsync("api/filings", FilingSamples.Content(body));

        await Problems.AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.Equal(before, await StorageSnapshot.TakeAsync(_runner.Storage));

        _queueDown = false;
        var (filingId, token) = await FilingSamples.SubmitAsync(_runner.Http, body);
        var processed = await FilingSamples.WaitProcessedAsync(_runner.Http, filingId, token);
        Assert.Equal("registered", processed.GetProperty("status").GetString());
    }
}

using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// The table write succeeds and the enqueue fails. A stored filing is accepted (202, the applicant has
/// its token) and the filing sweeper enqueues it later. (Registrations: the registration sweeper, see
/// the events tests.)
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
        {
            services.AddSingleton(StorageAccount.FromConnectionString(connection, o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry)));
            services.AddSingleton(new FilingSweepOptions { MinimumAge = TimeSpan.Zero });
            ApplicantApi.AutoRegister(services);
        });
    }

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task A_filing_whose_enqueue_fails_is_accepted_and_the_sweeper_gets_it_processed()
    {
        var applicant = await ApplicantApi.VerifiedAsync(_runner.Http, approve: true);
        var (filingId, token) = await FilingSamples.SubmitAsync(_runner.Http, FilingSamples.Body(uscc: applicant.Uscc), applicant);

        Assert.Empty((await _runner.Storage.Queue(QueueNames.Filings).PeekMessagesAsync(32)).Value);
        Assert.Equal("submitted", (await FilingSamples.GetAsync(_runner.Http, filingId, token)).GetProperty("status").GetString());

        _queueDown = false;
        var sweep = await _runner.Http.PostAsync("admin/functions/FilingSweeper", Problems.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, sweep.StatusCode);

        var processed = await FilingSamples.WaitProcessedAsync(_runner.Http, filingId, token);
        Assert.Equal("registered", processed.GetProperty("status").GetString());
        Assert.EndsWith("-000001", processed.GetProperty("certificateNumber").GetString());

        // A second sweep finds nothing left to enqueue.
        Assert.Equal(HttpStatusCode.Accepted, (await _runner.Http.PostAsync("admin/functions/FilingSweeper", Problems.Json("{}"))).StatusCode);
        Assert.Empty((await _runner.Storage.Queue(QueueNames.Filings).PeekMessagesAsync(32)).Value);
    }
}

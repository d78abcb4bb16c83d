using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using ForumCloud.DevHost;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Events;

/// <summary>
/// Partial failure: the change commits, the enqueue fails (injected in the Azure SDK pipeline of a runner of
/// our own, beyond its retries). The client still gets its answer; the registration keeps PendingNotice, and
/// the RegistrationSweeper, run by hand, publishes the change again so that the notice (and a lost promotion)
/// happens. The runner has no triggers: the suite's shared runner drains the queue with a healthy pipeline.
/// </summary>
[Collection(RegistrationSweeps.Collection)]
public sealed class RegistrationSweeperTests : IAsyncLifetime
{
    private TransientFaultPolicy _policy = null!;
    private volatile bool _queueDown = true;
    private DevHostApp? _runner;
    private HttpClient _http = null!;
    private StorageAccount _storage = null!;

    public async Task InitializeAsync()
    {
        if (SharedRunner.ExternalBaseUrl is not null) return;
        await SharedRunner.ClientAsync(); // its queue listener handles what the sweep publishes
        var connection = await SharedAzurite.ConnectionStringAsync();
        _storage = await SharedAzurite.StorageAsync();
        _policy = new TransientFaultPolicy(
            m => _queueDown && m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.Contains("/" + QueueNames.RegistrationChanges + "/messages"),
            failuresPerRequest: int.MaxValue);
        var options = new DevHostOptions
        {
            StorageConnectionString = connection,
            StartAzuriteIfNeeded = false,
            StartMailServerIfNeeded = false,
            LoadSeeds = false,
            RunTriggers = false,
            ConfigureServices = services =>
            {
                services.AddSingleton(StorageAccount.FromConnectionString(connection, o => o.AddPolicy(_policy, HttpPipelinePosition.PerRetry)));
                services.AddSingleton(new RegistrationSweepOptions { MinimumAge = TimeSpan.Zero });
            },
        };
        _runner = await DevHostApp.StartAsync(await TestMailbox.RunnerArgumentsAsync(), options);
        _http = RunnerHttp.Client(_runner);
    }

    public async Task DisposeAsync()
    {
        if (_runner is null) return;
        _http.Dispose();
        await _runner.DisposeAsync();
    }

    [SkippableFact]
    public async Task A_registration_whose_enqueue_failed_gets_its_notice_after_a_sweep()
    {
        Skip.If(_runner is null, "FORUMCLOUD_BASE_URL is set: needs storage access and a runner of its own.");
        var eventId = await EventsApi.CreateEventAsync(_http, capacity: 5);

        var receipt = await EventsApi.RegisterAsync(_http, eventId);
        var code = receipt.GetProperty("code").GetString()!;

        await SendsLostAsync(1);
        Assert.Equal("confirmed", await EventsApi.StatusOfAsync(_http, receipt));
        var row = await RegistrationAsync(eventId, code);
        Assert.Equal((StoredEnum.Write(RegistrationChangeKind.Confirmed), true), (row.PendingNotice, row.PendingSince is not null));
        Assert.False(await NoticeExistsAsync(eventId, code, RegistrationChangeKind.Confirmed));

        _queueDown = false;
        await RunSweeperAsync();

        await Eventually.TrueAsync(() => NoticeSentAsync(eventId, code, RegistrationChangeKind.Confirmed), what: "the confirmation notice");
        await Eventually.ValueAsync(() => RegistrationAsync(eventId, code), r => r.PendingNotice is null && r.PendingSince is null, what: "PendingNotice to be cleared");
        await AssertSecondSweepChangesNothingAsync(eventId);
    }

    [SkippableFact]
    public async Task A_cancel_whose_messages_were_lost_promotes_the_waitlisted_after_a_sweep()
    {
        Skip.If(_runner is null, "FORUMCLOUD_BASE_URL is set: this test needs storage access and a runner of its own.");
        var eventId = await EventsApi.CreateEventAsync(_http, capacity: 1);
        var seated = await EventsApi.RegisterAsync(_http, eventId);
        var waiting = await EventsApi.RegisterAsync(_http, eventId);
        Assert.Equal("waitlisted", waiting.GetProperty("status").GetString());
        var (seatedCode, waitingCode) = (seated.GetProperty("code").GetString()!, waiting.GetProperty("code").GetString()!);

        Assert.Equal(HttpStatusCode.NoContent, (await EventsApi.CancelAsync(_http, seatedCode, seated.GetProperty("manageToken").GetString())).StatusCode);

        await SendsLostAsync(3);

        // The freed seat is stored but nobody was told, so nobody was promoted.
        Assert.Equal(StoredEnum.Write(RegistrationChangeKind.Cancelled), (await RegistrationAsync(eventId, seatedCode)).PendingNotice);
        Assert.Equal(StoredEnum.Write(RegistrationChangeKind.Waitlisted), (await RegistrationAsync(eventId, waitingCode)).PendingNotice);
        Assert.Equal("waitlisted", await EventsApi.StatusOfAsync(_http, waiting));

        _queueDown = false;
        await RunSweeperAsync();

        await Eventually.ValueAsync(() => EventsApi.StatusOfAsync(_http, waiting), s => s == "confirmed", what: "the waitlisted to be promoted");
        await Eventually.TrueAsync(() => NoticeSentAsync(eventId, waitingCode, RegistrationChangeKind.Promoted), what: "the promotion notice");
        await Eventually.TrueAsync(() => NoticeSentAsync(eventId, seatedCode, RegistrationChangeKind.Cancelled), what: "the cancellation notice");
        await Eventually.ValueAsync(() => RegistrationAsync(eventId, waitingCode), r => r.PendingNotice is null, what: "the promoted registration's mark to be cleared");
        await Eventually.ValueAsync(() => RegistrationAsync(eventId, seatedCode), r => r.PendingNotice is null, what: "the cancelled registration's mark to be cleared");
        var seats = await EventsApi.EventAsync(_http, eventId);
        Assert.Equal((0, 0), (seats.GetProperty("seatsLeft").GetInt32(), seats.GetProperty("waitlistLength").GetInt32()));
        await AssertSecondSweepChangesNothingAsync(eventId);
    }

    [SkippableFact]
    public async Task A_promotion_whose_message_was_lost_is_announced_after_a_sweep()
    {
        Skip.If(_runner is null, "FORUMCLOUD_BASE_URL is set: this test needs storage access and a runner of its own.");
        var eventId = await EventsApi.CreateEventAsync(_http, capacity: 1);
        var seated = await EventsApi.RegisterAsync(_http, eventId);
        var waiting = await EventsApi.RegisterAsync(_http, eventId);
        var waitingCode = waiting.GetProperty("code").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await EventsApi.CancelAsync(_http, seated.GetProperty("code").GetString()!, seated.GetProperty("manageToken").GetString())).StatusCode);

        // The Cancelled message's handler runs here, promoting through the failing pipeline: the seat is given, the notice lost.
        var failing = _runner!.Services.GetRequiredService<StorageAccount>();
        var promotion = new WaitlistPromotion(failing, new RegistrationChanges(failing, NullLogger<RegistrationChanges>.Instance), TimeProvider.System);
        Assert.Equal([waitingCode], await promotion.FillFreeSeatsAsync(eventId, CancellationToken.None));
        Assert.Equal(StoredEnum.Write(RegistrationChangeKind.Promoted), (await RegistrationAsync(eventId, waitingCode)).PendingNotice);
        Assert.False(await NoticeExistsAsync(eventId, waitingCode, RegistrationChangeKind.Promoted));
        await SendsLostAsync(4);

        _queueDown = false;
        await RunSweeperAsync();

        await Eventually.TrueAsync(() => NoticeSentAsync(eventId, waitingCode, RegistrationChangeKind.Promoted), what: "the promotion notice");
        await Eventually.ValueAsync(() => RegistrationAsync(eventId, waitingCode), r => r.PendingNotice is null, what: "the mark to be cleared");
        Assert.Equal("confirmed", await EventsApi.StatusOfAsync(_http, waiting));
        await AssertSecondSweepChangesNothingAsync(eventId);
    }

    /// <summary>
    /// The lane answers before it enqueues, so a send may still be retrying: wait until each has failed on its first
    /// try and its three retries (StorageRetry) before the queue comes back, or a late retry would deliver it.
    /// </summary>
    private Task SendsLostAsync(int sends) =>
        Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref _policy.Injected) >= sends * 4), what: $"{sends} enqueue(s) to fail beyond their retries");

    private async Task RunSweeperAsync() =>
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync("admin/functions/RegistrationSweeper", Problems.Json("{}"))).StatusCode);

    /// <summary>Once the handler has cleared the marks, a second sweep publishes nothing for the event and writes nothing in it.</summary>
    private async Task AssertSecondSweepChangesNothingAsync(string eventId)
    {
        var before = await PartitionAsync(eventId);
        var result = await _runner!.Services.GetRequiredService<RegistrationSweep>().RunAsync(CancellationToken.None);
        Assert.DoesNotContain(eventId, result.EventIds);
        Assert.Equal(before, await PartitionAsync(eventId));
    }

    private async Task<List<string>> PartitionAsync(string eventId)
    {
        var rows = new List<string>();
        await foreach (var row in _storage.Table(TableNames.ForumEvents).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {eventId}")))
        {
            rows.Add(row.RowKey + " " + row.ETag);
        }

        await foreach (var row in _storage.Table(TableNames.Notifications).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RegistrationMail.PartitionFor(eventId)}")))
        {
            rows.Add(row.RowKey + " " + row.ETag);
        }

        return rows;
    }

    private async Task<RegistrationRow> RegistrationAsync(string eventId, string code) =>
        (await _storage.Table(TableNames.ForumEvents).GetEntityAsync<RegistrationRow>(eventId, EventKeys.Registration(code))).Value;

    private async Task<bool> NoticeExistsAsync(string eventId, string code, RegistrationChangeKind kind) =>
        (await _storage.Table(TableNames.Notifications).GetEntityIfExistsAsync<OutboxRow>(RegistrationMail.PartitionFor(eventId), RegistrationMail.RowFor(code, kind))).HasValue;

    private async Task<bool> NoticeSentAsync(string eventId, string code, RegistrationChangeKind kind)
    {
        var notice = await _storage.Table(TableNames.Notifications).GetEntityIfExistsAsync<OutboxRow>(RegistrationMail.PartitionFor(eventId), RegistrationMail.RowFor(code, kind));
        return notice.HasValue && notice.Value!.SentAt is not null;
    }
}

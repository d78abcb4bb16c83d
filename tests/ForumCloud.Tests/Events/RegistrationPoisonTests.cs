using Azure.Core;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Events;

/// <summary>
/// registration-changes-poison: a change whose handler always fails (its outbox writes fail in the Azure
/// SDK pipeline of a runner of our own) is tried host.json's maxDequeueCount times, lands in the poison
/// queue, and its handler marks the notice failed for staff and no longer pending, so the sweep stops.
/// The sweep itself gives up on a change after MaxAttempts publications.
/// </summary>
public sealed class RegistrationPoisonTests
{
    [Fact]
    public async Task A_change_that_always_fails_is_poisoned_marked_failed_for_staff_and_no_longer_swept()
    {
        var outboxDown = new TransientFaultPolicy(m => TransientFaultPolicy.Touches(m, TableNames.Notifications), failuresPerRequest: int.MaxValue);
        await using var runner = await PrivateRunner.StartAsync((options, connection) => options.ConfigureServices = services =>
        {
            services.AddSingleton(StorageAccount.FromConnectionString(connection, o => o.AddPolicy(outboxDown, HttpPipelinePosition.PerRetry)));
            services.AddSingleton(new RegistrationSweepOptions { MinimumAge = TimeSpan.Zero });
        });
        var eventId = await EventsApi.CreateEventAsync(runner.Http, capacity: 3);
        var code = (await EventsApi.RegisterAsync(runner.Http, eventId, await EventsApi.SeededPartnerAsync(runner.App.Services))).GetProperty("code").GetString()!;

        var row = await Eventually.ValueAsync(() => RowAsync(runner.Storage, eventId, code), r => r.NoticeFailed is not null, TimeSpan.FromSeconds(90), "the poison handler to mark the notice failed");

        Assert.Equal((StoredEnum.Write(RegistrationChangeKind.Confirmed), null, null), (row.NoticeFailed, row.PendingNotice, row.PendingSince));
        Assert.Empty((await runner.Storage.Queue(RegistrationChangePoisonFunction.PoisonQueue).PeekMessagesAsync(32)).Value);
        var listed = Assert.Single(await EventsApi.StaffListAsync(runner.Http, eventId));
        Assert.Equal(("confirmed", "confirmed"), (listed.GetProperty("status").GetString(), listed.GetProperty("noticeFailed").GetString()));
        Assert.EndsWith("+08:00", listed.GetProperty("noticeFailedAt").GetString());

        var sweep = await runner.App.Services.GetRequiredService<RegistrationSweep>().RunAsync(CancellationToken.None);
        Assert.DoesNotContain(eventId, sweep.EventIds); // the loop is over
    }

    [Fact]
    public async Task The_sweep_publishes_a_pending_change_max_attempts_times_then_gives_up_visibly()
    {
        // No triggers: nobody handles what the sweep publishes, as when every handling fails.
        await using var runner = await PrivateRunner.StartAsync((options, _) =>
        {
            options.RunTriggers = false;
            options.ConfigureServices = services => services.AddSingleton(new RegistrationSweepOptions { MinimumAge = TimeSpan.Zero, MaxAttempts = 2 });
        });
        var eventId = await EventsApi.CreateEventAsync(runner.Http, capacity: 3);
        var code = (await EventsApi.RegisterAsync(runner.Http, eventId, await EventsApi.SeededPartnerAsync(runner.App.Services))).GetProperty("code").GetString()!;
        var sweeper = runner.App.Services.GetRequiredService<RegistrationSweep>();

        Assert.Contains(eventId, (await sweeper.RunAsync(CancellationToken.None)).EventIds);
        Assert.Equal(1, (await RowAsync(runner.Storage, eventId, code)).NoticeSweeps);
        Assert.Contains(eventId, (await sweeper.RunAsync(CancellationToken.None)).EventIds);
        var third = await sweeper.RunAsync(CancellationToken.None);

        Assert.DoesNotContain(eventId, third.EventIds);
        Assert.True(third.GivenUp >= 1);
        var row = await RowAsync(runner.Storage, eventId, code);
        Assert.Equal((StoredEnum.Write(RegistrationChangeKind.Confirmed), null), (row.NoticeFailed, row.PendingNotice));
        Assert.DoesNotContain(eventId, (await sweeper.RunAsync(CancellationToken.None)).EventIds);
        Assert.Equal("confirmed", Assert.Single(await EventsApi.StaffListAsync(runner.Http, eventId)).GetProperty("noticeFailed").GetString());
    }

    private static async Task<RegistrationRow> RowAsync(StorageAccount storage, string eventId, string code) =>
        (await storage.Table(TableNames.ForumEvents).GetEntityAsync<RegistrationRow>(eventId, EventKeys.Registration(code))).Value;
}

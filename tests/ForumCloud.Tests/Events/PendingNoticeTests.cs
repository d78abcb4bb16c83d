using Azure;
using Azure.Core;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace ForumCloud.Tests.Events;

/// <summary>
/// The PendingNotice mark below HTTP: set by the committing transaction, cleared by the handler only while it
/// still names the announced change, and swept only once it is older than the minimum age. The allocations'
/// own messages are lost on purpose (a failing pipeline), so the suite's runner stays out of these rows.
/// </summary>
[Collection(RegistrationSweeps.Collection)]
public sealed class PendingNoticeTests
{
    private sealed record Services(StorageAccount Storage, SeatAllocator Allocator, RegistrationChanges Lost, string EventId);

    private static async Task<Services> NewEventAsync(int capacity = 5)
    {
        var storage = await SharedAzurite.StorageAsync();
        var policy = new TransientFaultPolicy(m => m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.Contains("/" + QueueNames.RegistrationChanges + "/messages"), int.MaxValue);
        var down = StorageAccount.FromConnectionString(await SharedAzurite.ConnectionStringAsync(), o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry));
        var lost = new RegistrationChanges(down, NullLogger<RegistrationChanges>.Instance);
        var catalog = new EventCatalog(storage, lost, TimeProvider.System);
        var forumEvent = ForumEvent.From(new EventRequest(Unique.Slug("pending"), "Pending notice test", EventTrack.SideEvent,
            EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(10)), EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(10).AddHours(2)), "Hall", ["en"], capacity,
            EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(-1)), EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(5)), EventStatus.Published));
        await catalog.CreateAsync(forumEvent, "test", CancellationToken.None);
        return new Services(storage, new SeatAllocator(storage, catalog, lost, TimeProvider.System, NullLogger<SeatAllocator>.Instance), lost, forumEvent.EventId);
    }

    private static SeatRequest Request(string eventId) =>
        new(eventId, new Attendee("Grace Hopper", $"g-{Guid.NewGuid():N}@example.org", "Navy", "US", null, null), Secrets.Hash("t"), null);

    private static async Task<RegistrationRow> RowAsync(Services s, string code) =>
        (await s.Storage.Table(TableNames.ForumEvents).GetEntityAsync<RegistrationRow>(s.EventId, EventKeys.Registration(code))).Value;

    [Fact]
    public async Task A_newer_change_during_the_send_keeps_its_mark_and_the_other_marks_are_cleared()
    {
        var s = await NewEventAsync();
        var first = await s.Allocator.AllocateAsync(Request(s.EventId));
        var second = await s.Allocator.AllocateAsync(Request(s.EventId));
        Assert.Equal(nameof(RegistrationChangeKind.Confirmed), (await RowAsync(s, first.Code)).PendingNotice);

        // While the first notice is being sent, the first registration changes again (as a cancel would).
        var sender = new Mock<INotificationSender>();
        sender.Setup(x => x.SendAsync(It.Is<Notice>(n => n.Code == first.Code), It.IsAny<CancellationToken>())).Returns(async () =>
        {
            var row = await RowAsync(s, first.Code);
            row.MarkPending(RegistrationChangeKind.Cancelled, DateTimeOffset.UtcNow);
            await s.Storage.Table(TableNames.ForumEvents).UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        });
        var notices = new RegistrationNotices(s.Storage, new WaitlistPromotion(s.Storage, s.Lost, TimeProvider.System), sender.Object, TimeProvider.System, NullLogger<RegistrationNotices>.Instance);

        await notices.HandleAsync(new RegistrationChange(s.EventId, [new(RegistrationChangeKind.Confirmed, first.Code), new(RegistrationChangeKind.Confirmed, second.Code)]), CancellationToken.None);

        Assert.Equal(nameof(RegistrationChangeKind.Cancelled), (await RowAsync(s, first.Code)).PendingNotice);
        var cleared = await RowAsync(s, second.Code);
        Assert.Equal((null, null), (cleared.PendingNotice, cleared.PendingSince));
        sender.Verify(x => x.SendAsync(It.IsAny<Notice>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [SkippableFact]
    public async Task The_sweep_leaves_a_change_younger_than_two_minutes_and_publishes_it_once_older()
    {
        Skip.If(SharedRunner.App is null, "FORUMCLOUD_BASE_URL is set: the suite's runner handles the published message.");
        await SharedRunner.ClientAsync();
        var s = await NewEventAsync();
        var allocation = await s.Allocator.AllocateAsync(Request(s.EventId));
        var changes = new RegistrationChanges(s.Storage, NullLogger<RegistrationChanges>.Instance);

        var failures = new NoticeFailures(s.Storage, TimeProvider.System, new ForumTelemetry(NullLogger<ForumTelemetry>.Instance), NullLogger<NoticeFailures>.Instance);
        var now = await new RegistrationSweep(s.Storage, changes, failures, new RegistrationSweepOptions(), TimeProvider.System, NullLogger<RegistrationSweep>.Instance).RunAsync(CancellationToken.None);
        Assert.DoesNotContain(s.EventId, now.EventIds);

        var later = await new RegistrationSweep(s.Storage, changes, failures, new RegistrationSweepOptions(), new Later(TimeSpan.FromMinutes(3)), NullLogger<RegistrationSweep>.Instance).RunAsync(CancellationToken.None);
        Assert.Contains(s.EventId, later.EventIds);
        await Eventually.ValueAsync(() => RowAsync(s, allocation.Code), r => r.PendingNotice is null, what: "the handler to clear the mark");
        var notice = await s.Storage.Table(TableNames.Notifications).GetEntityAsync<NoticeRow>(NoticeRow.PartitionFor(s.EventId), NoticeRow.RowFor(allocation.Code, RegistrationChangeKind.Confirmed));
        Assert.NotNull(notice.Value.SentAt);
    }

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }
}

/// <summary>
/// Sweeps with a zero age (or a clock moved on) reach every event of the shared storage: the tests that run
/// them, or that hold a registration in a lost-message state, run one after another, not beside each other.
/// </summary>
[CollectionDefinition(Collection)]
public sealed class RegistrationSweeps
{
    public const string Collection = "Registration sweeps";
}

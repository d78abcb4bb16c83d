using Azure;
using Azure.Core;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Resilience;
using Microsoft.Extensions.Logging.Abstractions;

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
        Assert.Equal(StoredEnum.Write(RegistrationChangeKind.Confirmed), (await RowAsync(s, first.Code)).PendingNotice);

        // After the handler read the registrations and before their mails are written, the first registration changes
        // again (as a cancel would): a hook in the storage pipeline runs just before the outbox's first transaction.
        var hook = new BeforeFirstRequest(m => m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal), async () =>
        {
            var row = await RowAsync(s, first.Code);
            row.MarkPending(RegistrationChangeKind.Cancelled, DateTimeOffset.UtcNow);
            await s.Storage.Table(TableNames.ForumEvents).UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        });
        var hooked = StorageAccount.FromConnectionString(await SharedAzurite.ConnectionStringAsync(), o => o.AddPolicy(hook, HttpPipelinePosition.PerCall));
        var settings = (await TestMailbox.SharedAsync()).Settings;
        var notices = new RegistrationNotices(hooked, new WaitlistPromotion(hooked, s.Lost, TimeProvider.System),
            new MailOutbox(hooked, new NoticeIndex(hooked, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance), settings, NullLogger<RegistrationNotices>.Instance);

        await notices.HandleAsync(new RegistrationChange(s.EventId, [new(RegistrationChangeKind.Confirmed, first.Code), new(RegistrationChangeKind.Confirmed, second.Code)]), CancellationToken.None);

        Assert.True(hook.Ran);
        Assert.Equal(StoredEnum.Write(RegistrationChangeKind.Cancelled), (await RowAsync(s, first.Code)).PendingNotice);
        var cleared = await RowAsync(s, second.Code);
        Assert.Equal((null, null), (cleared.PendingNotice, cleared.PendingSince));
        foreach (var code in new[] { first.Code, second.Code })
        {
            Assert.True((await s.Storage.Table(TableNames.Notifications).GetEntityIfExistsAsync<OutboxRow>(RegistrationMail.PartitionFor(s.EventId), RegistrationMail.RowFor(code, RegistrationChangeKind.Confirmed))).HasValue);
        }
    }

    [Fact]
    public async Task A_waitlist_notice_handled_after_the_promotion_is_not_sent_and_the_promotion_is()
    {
        var s = await NewEventAsync(capacity: 1);
        await s.Allocator.AllocateAsync(Request(s.EventId));
        var waiting = await s.Allocator.AllocateAsync(Request(s.EventId));
        Assert.Equal(RegistrationStatus.Waitlisted, waiting.Status);

        // A seat comes free (staff add one) and the promotion runs before the waitlist message is handled: queue
        // messages are not handled in the order they were sent.
        var ledgers = s.Storage.Table(TableNames.ForumEvents);
        var ledger = (await ledgers.GetEntityAsync<SeatLedgerRow>(s.EventId, EventKeys.Ledger)).Value;
        ledger.Capacity = 2;
        await ledgers.UpdateEntityAsync(ledger, ledger.ETag, TableUpdateMode.Replace);
        Assert.Equal([waiting.Code], await new WaitlistPromotion(s.Storage, s.Lost, TimeProvider.System).FillFreeSeatsAsync(s.EventId, CancellationToken.None));

        var settings = (await TestMailbox.SharedAsync()).Settings;
        var notices = new RegistrationNotices(s.Storage, new WaitlistPromotion(s.Storage, s.Lost, TimeProvider.System),
            new MailOutbox(s.Storage, new NoticeIndex(s.Storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance), settings, NullLogger<RegistrationNotices>.Instance);
        await notices.HandleAsync(new RegistrationChange(s.EventId, [new(RegistrationChangeKind.Promoted, waiting.Code)]), CancellationToken.None);
        await notices.HandleAsync(new RegistrationChange(s.EventId, [new(RegistrationChangeKind.Waitlisted, waiting.Code, 1)]), CancellationToken.None);

        async Task<bool> QueuedAsync(RegistrationChangeKind kind) => (await s.Storage.Table(TableNames.Notifications).GetEntityIfExistsAsync<OutboxRow>(
            RegistrationMail.PartitionFor(s.EventId), RegistrationMail.RowFor(waiting.Code, kind))).HasValue;
        Assert.True(await QueuedAsync(RegistrationChangeKind.Promoted));
        Assert.False(await QueuedAsync(RegistrationChangeKind.Waitlisted));
        Assert.Null((await RowAsync(s, waiting.Code)).PendingNotice); // the promotion's mark, cleared by its own notice
    }

    [Theory]
    [InlineData(RegistrationChangeKind.Waitlisted, RegistrationStatus.Waitlisted, false)]
    [InlineData(RegistrationChangeKind.Waitlisted, RegistrationStatus.Confirmed, true)]
    [InlineData(RegistrationChangeKind.Waitlisted, RegistrationStatus.Cancelled, true)]
    [InlineData(RegistrationChangeKind.Confirmed, RegistrationStatus.Confirmed, false)]
    [InlineData(RegistrationChangeKind.Confirmed, RegistrationStatus.Cancelled, true)]
    [InlineData(RegistrationChangeKind.Promoted, RegistrationStatus.Cancelled, true)]
    [InlineData(RegistrationChangeKind.Cancelled, RegistrationStatus.Cancelled, false)]
    [InlineData(RegistrationChangeKind.CheckedIn, RegistrationStatus.Confirmed, false)]
    public void A_notice_is_superseded_only_when_the_registration_has_left_the_state_it_announces(RegistrationChangeKind kind, RegistrationStatus now, bool superseded) =>
        Assert.Equal(superseded, RegistrationNotices.Superseded(kind, now));

    [SkippableFact]
    public async Task The_sweep_leaves_a_change_younger_than_two_minutes_and_publishes_it_once_older()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: the suite's runner handles the published message.");
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
        await Eventually.TrueAsync(async () => (await s.Storage.Table(TableNames.Notifications).GetEntityAsync<OutboxRow>(RegistrationMail.PartitionFor(s.EventId),
            RegistrationMail.RowFor(allocation.Code, RegistrationChangeKind.Confirmed))).Value.SentAt is not null, what: "the confirmation to be sent");
    }

    /// <summary>Runs an action once, just before the first request that matches leaves the process.</summary>
    private sealed class BeforeFirstRequest(Func<HttpMessage, bool> matches, Func<Task> action) : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _ran;

        public bool Ran => _ran == 1;

        public override void Process(HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (matches(message) && Interlocked.Exchange(ref _ran, 1) == 0) await action();
            await ProcessNextAsync(message, pipeline);
        }
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

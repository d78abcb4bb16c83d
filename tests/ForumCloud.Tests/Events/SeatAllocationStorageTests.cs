using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Events;

/// <summary>The seat ledger, registrations and guards against Azurite, below HTTP.</summary>
public sealed class SeatAllocationStorageTests
{
    private sealed record Services(StorageAccount Storage, EventCatalog Catalog, SeatAllocator Allocator, RegistrationChanges Changes);

    private static async Task<Services> NewServicesAsync()
    {
        var storage = await SharedAzurite.StorageAsync();
        var changes = new RegistrationChanges(storage, NullLogger<RegistrationChanges>.Instance);
        var catalog = new EventCatalog(storage, changes, TimeProvider.System);
        return new Services(storage, catalog, new SeatAllocator(storage, catalog, changes, TimeProvider.System, NullLogger<SeatAllocator>.Instance), changes);
    }

    private static ForumEvent NewEvent(int capacity) => ForumEvent.From(new EventRequest(Unique.Slug("alloc"), "Allocation test", EventTrack.SideEvent,
        EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(10)), EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(10).AddHours(2)), "Hall", ["en"], capacity,
        EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(-1)), EventsApi.Iso(DateTimeOffset.UtcNow.AddDays(5)), EventStatus.Published));

    private static SeatRequest Request(string eventId, int i, string? email = null) =>
        new(eventId, new Attendee($"Person {i}", email ?? $"p{i}-{Guid.NewGuid():N}@example.org", "Org", "DE", null, null), Secrets.Hash("t" + i), null);

    [Fact]
    public async Task A_lane_exists_only_for_an_event_that_exists()
    {
        var s = await NewServicesAsync();
        for (var i = 0; i < 50; i++)
        {
            var missing = Unique.Slug("nowhere");
            var error = await Assert.ThrowsAsync<ProblemException>(() => s.Allocator.AllocateAsync(Request(missing, i)));
            Assert.Equal(404, error.Status);
        }

        Assert.Equal(0, s.Allocator.LaneCount);
        var forumEvent = NewEvent(capacity: 2);
        await s.Catalog.CreateAsync(forumEvent, "test", CancellationToken.None);
        var allocation = await s.Allocator.AllocateAsync(Request(forumEvent.EventId, 1));
        Assert.Equal(RegistrationStatus.Confirmed, allocation.Status);
        Assert.Equal(1, s.Allocator.LaneCount);
    }

    [Fact]
    public async Task Two_allocators_like_two_processes_never_oversell_and_number_the_waitlist_once_each()
    {
        var a = await NewServicesAsync();
        var b = await NewServicesAsync(); // a second allocator: its own lanes, as in a second process
        var forumEvent = NewEvent(capacity: 12) with { WaitlistLimit = 100 }; // 68 wait: above the default cap of 4 × 12
        await a.Catalog.CreateAsync(forumEvent, "test", CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => (i % 2 == 0 ? a : b).Allocator.AllocateAsync(Request(forumEvent.EventId, i))));

        Assert.Equal(12, results.Count(r => r.Status == RegistrationStatus.Confirmed));
        Assert.Equal(Enumerable.Range(1, 68), results.Where(r => r.Status == RegistrationStatus.Waitlisted).Select(r => r.WaitlistPosition!.Value).Order());
        var (_, ledger) = await a.Catalog.ReadAsync(forumEvent.EventId, CancellationToken.None);
        Assert.Equal((12, 12, 68), (ledger!.Capacity, ledger.Confirmed, ledger.Waitlisted));

        var stored = a.Storage.Table(TableNames.ForumEvents).QueryAsync<RegistrationRow>(TableClient.CreateQueryFilter($"PartitionKey eq {forumEvent.EventId} and RowKey ge 'reg-' and RowKey lt 'reg.'"));
        var rows = new List<RegistrationRow>();
        await foreach (var row in stored) rows.Add(row);
        Assert.Equal(80, rows.Count);
        Assert.Equal(12, rows.Count(r => r.Status == "confirmed"));
        Assert.All(rows, r => Assert.DoesNotContain("@", r.RowKey));

        // Every code is indexed, and points at this event.
        foreach (var row in rows) Assert.Equal(forumEvent.EventId, await RegistrationCodes.EventOfAsync(a.Storage, row.Code, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_email_twice_in_one_burst_gets_one_seat_and_one_409()
    {
        var s = await NewServicesAsync();
        var forumEvent = NewEvent(capacity: 5);
        await s.Catalog.CreateAsync(forumEvent, "test", CancellationToken.None);

        var tasks = new[] { Request(forumEvent.EventId, 1, "Same@Example.org"), Request(forumEvent.EventId, 2, " same@example.org "), Request(forumEvent.EventId, 3) }
            .Select(r => s.Allocator.AllocateAsync(r)).ToList();
        var outcomes = await Task.WhenAll(tasks.Select(async t =>
        {
            try
            {
                return (await t).Status.ToString();
            }
            catch (ProblemException p)
            {
                return p.Status.ToString();
            }
        }));

        Assert.Equal(2, outcomes.Count(o => o == "Confirmed"));
        Assert.Equal(1, outcomes.Count(o => o == "409"));
        var (_, ledger) = await s.Catalog.ReadAsync(forumEvent.EventId, CancellationToken.None);
        Assert.Equal(2, ledger!.Confirmed);
    }

    [Fact]
    public async Task A_notice_is_written_to_the_outbox_and_sent_once_however_often_the_message_comes()
    {
        var s = await NewServicesAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var forumEvent = NewEvent(capacity: 5);
        await s.Catalog.CreateAsync(forumEvent, "test", CancellationToken.None);
        var address = TestMailbox.Address("ada");
        var allocation = await s.Allocator.AllocateAsync(Request(forumEvent.EventId, 1, address));

        var outbox = new MailOutbox(s.Storage, new NoticeIndex(s.Storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance);
        var notices = new RegistrationNotices(s.Storage, new WaitlistPromotion(s.Storage, s.Changes, TimeProvider.System), outbox, mailbox.Settings, NullLogger<RegistrationNotices>.Instance);
        var delivery = new MailDelivery(s.Storage, new NoticeIndex(s.Storage, NullLogger<NoticeIndex>.Instance), new SmtpMailTransport(mailbox.Settings), mailbox.Settings, new MailDeliveryOptions(), TimeProvider.System, NullLogger<MailDelivery>.Instance);
        // A kind the allocation itself did not announce, so the test run's runner (which drains the real queue) stays out of it.
        var change = RegistrationChange.Of(forumEvent.EventId, RegistrationChangeKind.CheckedIn, allocation.Code);
        await notices.HandleAsync(change, CancellationToken.None);
        await notices.HandleAsync(change, CancellationToken.None);
        var due = new MailDue(RegistrationMail.PartitionFor(forumEvent.EventId), RegistrationMail.RowFor(allocation.Code, RegistrationChangeKind.CheckedIn));
        await delivery.DeliverAsync(due, CancellationToken.None);
        await delivery.DeliverAsync(due, CancellationToken.None);

        var mail = Assert.Single(await mailbox.WaitAsync(address, "Welcome"));
        Assert.Contains(allocation.Code, mail.TextBody);
        var row = (await s.Storage.Table(TableNames.Notifications).GetEntityAsync<OutboxRow>(due.PartitionKey, due.RowKey)).Value;
        Assert.NotNull(row.SentAt);
        Assert.Equal((MailStatus.Sent, 1), (row.StatusValue, row.Attempts));
        Assert.Equal(mail.MessageId, row.MessageId!.Trim('<', '>'));
        Assert.Equal(address, row.Recipient);
        Assert.Contains("Allocation test", row.Subject);
        // The suite's runner saw the same queue message; the claim kept it from sending again. (The runner may also have
        // sent this registration's confirmation by now: the allocation announced it on the real queue.)
        Assert.Single(mailbox.To(address), m => (m.Subject ?? "").Contains("Welcome", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_capacity_cut_below_the_confirmed_count_is_refused()
    {
        var s = await NewServicesAsync();
        var forumEvent = NewEvent(capacity: 3);
        await s.Catalog.CreateAsync(forumEvent, "test", CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => s.Allocator.AllocateAsync(Request(forumEvent.EventId, i))));

        var problem = await Assert.ThrowsAsync<ProblemException>(() => s.Catalog.UpdateAsync(forumEvent.EventId, forumEvent with { Capacity = 2 }, "test", CancellationToken.None));
        Assert.Equal(409, problem.Status);
        var view = await s.Catalog.UpdateAsync(forumEvent.EventId, forumEvent with { Capacity = 3, Title = "Renamed" }, "test", CancellationToken.None);
        Assert.Equal(("Renamed", 0), (view.Title, view.SeatsLeft));
    }
}

using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Mail;

/// <summary>
/// The outbox's index partitions against Azurite (its own, so the counts below are this class's notices only): the
/// retention purge of settled notices' content, read back from the raw rows, and the sweep's repair of an index left
/// behind by a process that died between two writes.
/// </summary>
public sealed class NoticeIndexTests(QuietStorage quiet) : IClassFixture<QuietStorage>
{
    private static readonly string[] PersonalColumns = ["Recipient", "RecipientName", "Subject", "Text", "Html", "QrPayload", "Calendar"];

    private StorageAccount Storage => quiet.Storage;

    private TableClient Table => Storage.Table(TableNames.Notifications);

    private NoticeIndex Index => new(Storage, NullLogger<NoticeIndex>.Instance);

    [Fact]
    public async Task The_purge_blanks_what_identifies_the_person_in_settled_notices_only_page_by_page_and_once()
    {
        var mailbox = await TestMailbox.SharedAsync();
        var outbox = Outbox(TimeProvider.System);
        await outbox.PurgeBodiesAsync(DateTimeOffset.UtcNow, 1000, CancellationToken.None); // what this class's other test settled
        var delivery = new MailDelivery(Storage, Index, new SmtpMailTransport(mailbox.Settings), mailbox.Settings, new MailDeliveryOptions { RetryDelays = [] }, TimeProvider.System, NullLogger<MailDelivery>.Instance);
        var sent = await QueueAsync(outbox, TestMailbox.Address("purge-sent"));
        var failed = await QueueAsync(outbox, TestMailbox.Address("bounce"));
        var waiting = TestMailbox.Address("purge-pending");
        var pending = await QueueAsync(outbox, waiting);
        await delivery.DeliverAsync(new MailDue(sent.Partition, sent.Row), CancellationToken.None);
        await delivery.DeliverAsync(new MailDue(failed.Partition, failed.Row), CancellationToken.None);
        Assert.Equal(("sent", "failed", "pending"), ((await RawAsync(sent)).GetString("Status"), (await RawAsync(failed)).GetString("Status"), (await RawAsync(pending)).GetString("Status")));

        Assert.Equal(0, await outbox.PurgeBodiesAsync(DateTimeOffset.UtcNow.AddHours(-1), 100, CancellationToken.None)); // settled after that
        var before = DateTimeOffset.UtcNow.AddSeconds(1);
        Assert.Equal(1, await outbox.PurgeBodiesAsync(before, 1, CancellationToken.None)); // one page of one
        Assert.Equal(1, await outbox.PurgeBodiesAsync(before, 100, CancellationToken.None));
        Assert.Equal(0, await outbox.PurgeBodiesAsync(before, 100, CancellationToken.None)); // idempotent

        foreach (var key in new[] { sent, failed })
        {
            var raw = await RawAsync(key);
            Assert.All(PersonalColumns, c => Assert.True(string.IsNullOrEmpty(raw.GetString(c)), $"{c} of {key} still holds '{raw.GetString(c)}'"));
            Assert.Equal("cooperation-reminder", raw.GetString("Template"));
            Assert.Equal(1, raw.GetInt32("Attempts"));
            Assert.NotNull(raw.GetDateTimeOffset("CreatedAt"));
            Assert.NotNull(raw.GetDateTimeOffset("PurgedAt"));
        }

        Assert.NotNull((await RawAsync(sent)).GetDateTimeOffset("SentAt"));
        Assert.NotNull((await RawAsync(failed)).GetDateTimeOffset("FailedAt"));
        var untouched = await RawAsync(pending);
        Assert.Equal(waiting, untouched.GetString("Recipient"));
        Assert.Contains("Check", untouched.GetString("Subject"));
        Assert.Equal("CHECKIN-SECRET", untouched.GetString("QrPayload"));
        Assert.Null(untouched.GetDateTimeOffset("PurgedAt"));
    }

    [Fact]
    public async Task The_sweep_settles_a_notice_whose_process_died_before_its_index_and_drops_a_pointer_to_nothing()
    {
        var outbox = Outbox(TimeProvider.System);
        var key = await QueueAsync(outbox, TestMailbox.Address());
        Assert.True(await HasAsync(NoticeIndex.Open, key));

        // As if delivery had sent the mail and the process died before the index was told.
        var row = (await Table.GetEntityAsync<OutboxRow>(key.Partition, key.Row)).Value;
        row.Status = "sent";
        row.SentAt = DateTimeOffset.UtcNow;
        await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        var lost = new OutboxKey("test-" + Guid.NewGuid().ToString("N"), "never-written");
        await Table.AddEntityAsync(new TableEntity(NoticeIndex.Open, lost.Partition + "|" + lost.Row) { ["NoticePartition"] = lost.Partition, ["NoticeRow"] = lost.Row, ["DueAt"] = DateTimeOffset.UtcNow });
        var overdue = await QueueAsync(outbox, TestMailbox.Address());
        await Storage.Queue(QueueNames.MailOutbox).ClearMessagesAsync(); // its message is lost

        var later = new Later(TimeSpan.FromMinutes(3));
        var queued = await Sweep(later, (await TestMailbox.SharedAsync()).Settings).RunAsync(CancellationToken.None);

        var messages = (await Storage.Queue(QueueNames.MailOutbox).PeekMessagesAsync(32)).Value.Select(m => QueueMessages.Parse<MailDue>(m.MessageText)).ToList();
        Assert.Equal(queued, messages.Count);
        Assert.Contains(new MailDue(overdue.Partition, overdue.Row), messages);
        Assert.DoesNotContain(messages, m => m.PartitionKey == key.Partition); // settled: not sent again
        Assert.False(await HasAsync(NoticeIndex.Open, key));
        Assert.True(await HasAsync(NoticeIndex.Sent, key));
        Assert.False(await HasAsync(NoticeIndex.Open, lost));
        Assert.True(await HasAsync(NoticeIndex.Open, overdue));
        var staffSent = await outbox.ListAsync(MailStatus.Sent, null, 100, CancellationToken.None);
        Assert.Contains(staffSent.Items, n => n.NoticeId == key.ToString());
    }

    [Fact]
    public async Task Deliveries_settle_their_index_together_even_when_an_open_row_is_gone_already()
    {
        var mailbox = await TestMailbox.SharedAsync();
        var outbox = Outbox(TimeProvider.System);
        var delivery = new MailDelivery(Storage, Index, new SmtpMailTransport(mailbox.Settings), mailbox.Settings, new MailDeliveryOptions(), TimeProvider.System, NullLogger<MailDelivery>.Instance);
        var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => QueueAsync(outbox, TestMailbox.Address())));
        foreach (var key in keys) Assert.True(await HasAsync(NoticeIndex.Open, key));
        await Table.DeleteEntityAsync(NoticeIndex.Open, keys[0].Partition + "|" + keys[0].Row); // as if the sweep had settled it

        await Task.WhenAll(keys.Select(k => delivery.DeliverAsync(new MailDue(k.Partition, k.Row), CancellationToken.None)));

        foreach (var key in keys)
        {
            Assert.Equal("sent", (await RawAsync(key)).GetString("Status"));
            Assert.True(await HasAsync(NoticeIndex.Sent, key), $"{key} has its sent row");
            Assert.False(await HasAsync(NoticeIndex.Open, key), $"{key} has no open row left");
        }
    }

    private MailOutbox Outbox(TimeProvider time) => new(Storage, Index, time, NullLogger<MailOutbox>.Instance);

    private MailSweep Sweep(TimeProvider time, MailSettings settings) =>
        new(Storage, Index, Outbox(time), settings, time, NullLogger<MailSweep>.Instance);

    private static async Task<OutboxKey> QueueAsync(MailOutbox outbox, string address)
    {
        var key = new OutboxKey("test-" + Guid.NewGuid().ToString("N"), "mail");
        var model = new Dictionary<string, string>
        {
            ["partnerName"] = "Navy", ["partnerNameZh"] = "Navy", ["cooperationTitle"] = "Check", ["cooperationId"] = "coo_x", ["endDate"] = "2027-01-01", ["kind"] = "expiring-soon",
        };
        var start = new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
        await outbox.QueueAsync(new MailRequest(key, address, "Grace Hopper", "cooperation-reminder", MailLanguage.En, model)
        {
            QrPayload = "CHECKIN-SECRET",
            Calendar = new CalendarEntry("uid-" + key.Partition, 0, false, start, start.AddHours(2), "Salon", "Beijing", null),
        }, CancellationToken.None);
        return key;
    }

    private async Task<TableEntity> RawAsync(OutboxKey key) => (await Table.GetEntityAsync<TableEntity>(key.Partition, key.Row)).Value;

    /// <summary>Whether an index partition points at the notice (a query of that one partition).</summary>
    private async Task<bool> HasAsync(string partition, OutboxKey key)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and NoticePartition eq {key.Partition} and NoticeRow eq {key.Row}");
        await foreach (var _ in Table.QueryAsync<TableEntity>(filter)) return true;
        return false;
    }

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }
}

using System.Collections.Concurrent;
using ForumCloud.DevHost;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Mail;

/// <summary>An Azurite that no runner drains, so each test alone decides when a queued mail is delivered.</summary>
public sealed class QuietStorage : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public StorageAccount Storage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartInMemoryAsync();
        Storage = StorageAccount.FromConnectionString(_azurite.ConnectionString);
        await StorageProvisioner.EnsureAsync(Storage);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

/// <summary>
/// Outbox states against a real SMTP server that refuses as real servers do: 451 (try later) for "busy-N" addresses,
/// 550 for "bounce" addresses, and a closed port for "the server is down".
/// </summary>
public sealed class MailDeliveryTests(QuietStorage quiet) : IClassFixture<QuietStorage>
{
    private StorageAccount Storage => quiet.Storage;

    [Fact]
    public async Task A_transient_refusal_is_retried_after_its_backoff_and_then_sent()
    {
        var mailbox = await TestMailbox.SharedAsync();
        var address = TestMailbox.Address("busy-1");
        var key = await QueueAsync(address);
        var delivery = Delivery(mailbox.Settings, TimeSpan.FromSeconds(2));

        await delivery.DeliverAsync(Due(key), CancellationToken.None);
        var afterFirst = await RowAsync(key);
        Assert.Equal((MailStatus.Pending, 1), (afterFirst.StatusValue, afterFirst.Attempts));
        Assert.Contains("451", afterFirst.LastError);
        Assert.InRange(afterFirst.NextAttemptAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, await VisibleMessagesAsync()); // the queuing's own message (this test delivers by hand); the retry's is hidden for 2 s
        Assert.Empty(mailbox.To(address));

        await delivery.DeliverAsync(Due(key), CancellationToken.None); // a copy that comes too early leaves the mail alone
        Assert.Equal(1, (await RowAsync(key)).Attempts);

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        await delivery.DeliverAsync(Due(key), CancellationToken.None);
        var sent = await RowAsync(key);
        Assert.Equal((MailStatus.Sent, 2), (sent.StatusValue, sent.Attempts));
        Assert.Null(sent.LastError);
        Assert.Contains("queued as", sent.SmtpReply);
        Assert.Single(mailbox.To(address));
    }

    [Fact]
    public async Task A_permanent_refusal_fails_at_once_without_the_address_and_the_other_mail_goes()
    {
        var mailbox = await TestMailbox.SharedAsync();
        var bad = TestMailbox.Address("bounce");
        var good = TestMailbox.Address("good");
        var badKey = await QueueAsync(bad);
        var goodKey = await QueueAsync(good);
        var delivery = Delivery(mailbox.Settings, TimeSpan.Zero);

        await delivery.DeliverAsync(Due(badKey), CancellationToken.None);
        await delivery.DeliverAsync(Due(goodKey), CancellationToken.None);

        var failed = await RowAsync(badKey);
        Assert.Equal((MailStatus.Failed, 1), (failed.StatusValue, failed.Attempts));
        Assert.NotNull(failed.FailedAt);
        Assert.Contains("550", failed.LastError);
        Assert.DoesNotContain(bad, failed.LastError!);
        Assert.Equal(MailStatus.Sent, (await RowAsync(goodKey)).StatusValue);
        Assert.Single(mailbox.To(good));

        var page = await new MailOutbox(Storage, new NoticeIndex(Storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance).ListAsync(MailStatus.Failed, null, 100, CancellationToken.None);
        Assert.Contains(page.Items, n => n.NoticeId == badKey.ToString() && n.Status == MailStatus.Failed);
        Assert.DoesNotContain(page.Items, n => n.NoticeId == goodKey.ToString());
    }

    [Fact]
    public async Task Retries_are_bounded_and_a_server_that_is_down_counts_as_transient()
    {
        var mailbox = await TestMailbox.SharedAsync();
        var key = await QueueAsync(TestMailbox.Address("busy-9"));
        var delivery = Delivery(mailbox.Settings, TimeSpan.Zero, TimeSpan.Zero);
        for (var i = 0; i < 3; i++) await delivery.DeliverAsync(Due(key), CancellationToken.None);
        var row = await RowAsync(key);
        Assert.Equal((MailStatus.Failed, 3), (row.StatusValue, row.Attempts));
        await delivery.DeliverAsync(Due(key), CancellationToken.None);
        Assert.Equal(3, (await RowAsync(key)).Attempts); // failed is final

        var down = mailbox.Settings with { SmtpPort = AzuriteProcess.FreePort() };
        var unreachable = await QueueAsync(TestMailbox.Address());
        await Delivery(down, TimeSpan.FromMinutes(1)).DeliverAsync(Due(unreachable), CancellationToken.None);
        var waiting = await RowAsync(unreachable);
        Assert.Equal((MailStatus.Pending, 1), (waiting.StatusValue, waiting.Attempts));
        Assert.Contains("connection problem", waiting.LastError);
    }

    [Fact]
    public async Task Two_copies_of_one_message_at_once_send_one_mail()
    {
        var mailbox = await TestMailbox.SharedAsync();
        var address = TestMailbox.Address();
        var key = await QueueAsync(address);
        var a = Delivery(mailbox.Settings, TimeSpan.Zero);
        var b = Delivery(mailbox.Settings, TimeSpan.Zero);
        await Task.WhenAll(a.DeliverAsync(Due(key), CancellationToken.None), b.DeliverAsync(Due(key), CancellationToken.None), a.DeliverAsync(Due(key), CancellationToken.None));
        await Task.Delay(300);
        Assert.Single(mailbox.To(address));
        Assert.Equal(MailStatus.Sent, (await RowAsync(key)).StatusValue);
    }

    [Fact]
    public async Task Without_a_host_mail_stays_pending_and_the_error_is_logged_once_then_the_sweep_queues_it_when_a_host_is_set()
    {
        var logs = new ListLogger<MailDelivery>();
        var noHost = (await TestMailbox.SharedAsync()).Settings with { SmtpHost = null };
        var delivery = new MailDelivery(Storage, new NoticeIndex(Storage, NullLogger<NoticeIndex>.Instance), new SmtpMailTransport(noHost), noHost, new MailDeliveryOptions(), TimeProvider.System, logs);
        var key = await QueueAsync(TestMailbox.Address());

        await delivery.DeliverAsync(Due(key), CancellationToken.None);
        await delivery.DeliverAsync(Due(key), CancellationToken.None);

        var row = await RowAsync(key);
        Assert.Equal((MailStatus.Pending, 0), (row.StatusValue, row.Attempts));
        var error = Assert.Single(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        Assert.Contains(SettingNames.MailSmtpHost, error);
        Assert.Equal(0, await Sweep(noHost, new Later(TimeSpan.FromMinutes(3))).RunAsync(CancellationToken.None));

        await DrainAsync();
        var queued = await Sweep((await TestMailbox.SharedAsync()).Settings, new Later(TimeSpan.FromMinutes(3))).RunAsync(CancellationToken.None);
        Assert.True(queued >= 1);
        Assert.True(await VisibleMessagesAsync() >= 1);
    }

    [Fact]
    public async Task A_poisoned_message_marks_its_mail_failed_for_staff()
    {
        var key = await QueueAsync(TestMailbox.Address());
        await Delivery((await TestMailbox.SharedAsync()).Settings, TimeSpan.Zero).GiveUpAsync(Due(key), CancellationToken.None);
        var row = await RowAsync(key);
        Assert.Equal(MailStatus.Failed, row.StatusValue);
        Assert.Contains("poison", row.LastError);
    }

    [Fact]
    public async Task Queuing_the_same_key_twice_keeps_one_row_and_the_first_content()
    {
        var address = TestMailbox.Address();
        var key = new OutboxKey("test-" + Guid.NewGuid().ToString("N"), "once");
        var outbox = new MailOutbox(Storage, new NoticeIndex(Storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance);
        await outbox.QueueAsync(Request(key, address, "First"), CancellationToken.None);
        await outbox.QueueAsync(Request(key, address, "Second"), CancellationToken.None);
        var row = await RowAsync(key);
        Assert.Contains("First", row.Subject);
        Assert.Equal(address, row.Recipient);
    }

    private MailSweep Sweep(MailSettings settings, TimeProvider time)
    {
        var index = new NoticeIndex(Storage, NullLogger<NoticeIndex>.Instance);
        return new MailSweep(Storage, index, new MailOutbox(Storage, index, time, NullLogger<MailOutbox>.Instance), settings, time, NullLogger<MailSweep>.Instance);
    }

    private MailDelivery Delivery(MailSettings settings, params TimeSpan[] delays) =>
        new(Storage, new NoticeIndex(Storage, NullLogger<NoticeIndex>.Instance), new SmtpMailTransport(settings), settings, new MailDeliveryOptions { RetryDelays = delays }, TimeProvider.System, NullLogger<MailDelivery>.Instance);

    private async Task<OutboxKey> QueueAsync(string address)
    {
        await DrainAsync();
        var key = new OutboxKey("test-" + Guid.NewGuid().ToString("N"), "mail");
        await new MailOutbox(Storage, new NoticeIndex(Storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance).QueueAsync(Request(key, address, "Check"), CancellationToken.None);
        return key;
    }

    private static MailRequest Request(OutboxKey key, string address, string title) =>
        new(key, address, "Grace Hopper", "cooperation-reminder", MailLanguage.En, new Dictionary<string, string>
        {
            ["partnerName"] = "Navy", ["partnerNameZh"] = "Navy", ["cooperationTitle"] = title, ["cooperationId"] = "coo_x", ["endDate"] = "2027-01-01", ["kind"] = "expiring-soon",
        });

    private static MailDue Due(OutboxKey key) => new(key.Partition, key.Row);

    private async Task<OutboxRow> RowAsync(OutboxKey key) => (await Storage.Table(TableNames.Notifications).GetEntityAsync<OutboxRow>(key.Partition, key.Row)).Value;

    private async Task<int> VisibleMessagesAsync() => (await Storage.Queue(QueueNames.MailOutbox).PeekMessagesAsync(32)).Value.Length;

    private async Task DrainAsync()
    {
        // Tests in this class run one after another: each starts from an empty queue.
        await Storage.Queue(QueueNames.MailOutbox).ClearMessagesAsync();
    }

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel} {formatter(state, exception)}");
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Configuration;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for the tests (the SmtpServer library, in process, on a free loopback port): every message it
/// accepts is parsed with MimeKit and kept by recipient. Addresses steer it, so tests can provoke what real servers do:
/// a recipient whose local part starts with "bounce" is refused with 550 (permanent), one starting with "busy-N" is
/// refused with 451 (transient) on its first N deliveries and accepted afterwards.
/// </summary>
public sealed class TestMailbox : IAsyncDisposable
{
    private static readonly Lazy<Task<TestMailbox>> SharedInstance = new(() => StartAsync());
    /// <summary>Each message with its recipients read once on arrival: MimeKit fills a message's address lists lazily, so
    /// two tests reading <c>To</c> of the same message at once could see the list change under them.</summary>
    private readonly ConcurrentQueue<(string[] To, MimeMessage Message)> _received = new();
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.OrdinalIgnoreCase);
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private TestMailbox(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("mailbox.test").Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter());
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    /// <summary>One mailbox for the test run (the shared runner and the private runners send here).</summary>
    public static Task<TestMailbox> SharedAsync() => SharedInstance.Value;

    public int Port { get; }

    /// <summary>Runner arguments that send the app's mail here.</summary>
    public string[] RunnerArguments =>
    [
        "--" + SettingNames.ConfigKey(SettingNames.MailSmtpHost), "127.0.0.1",
        "--" + SettingNames.ConfigKey(SettingNames.MailSmtpPort), Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--" + SettingNames.ConfigKey(SettingNames.MailSecurity), "none",
        "--" + SettingNames.ConfigKey(SettingNames.MailFrom), "Zhongguancun Forum 中关村论坛 <forum@forum.test>",
        "--" + SettingNames.ConfigKey(SettingNames.PublicBaseUrl), "https://forum.test",
    ];

    /// <summary>The app's mail settings for this server, for tests that build the mail services themselves.</summary>
    public ForumCloud.Functions.Mail.MailSettings Settings
    {
        get
        {
            var pairs = RunnerArguments.Chunk(2).ToDictionary(p => p[0][2..], p => (string?)p[1]);
            return ForumCloud.Functions.Mail.MailSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(pairs).Build());
        }
    }

    /// <summary>A unique address here; a prefix "bounce" or "busy-N" steers the server (see the class summary).</summary>
    public static string Address(string prefix = "attendee") => $"{prefix}-{Guid.NewGuid():N}@mail.test";

    /// <summary>A runner on a free port that mails the shared mailbox.</summary>
    public static async Task<string[]> RunnerArgumentsAsync() => ["--urls", "http://127.0.0.1:0", .. (await SharedAsync()).RunnerArguments];

    public static async Task<TestMailbox> StartAsync()
    {
        var mailbox = new TestMailbox(AzuriteProcess.FreePort());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!AzuriteProcess.IsListening(mailbox.Port))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The test SMTP server did not listen.");
            await Task.Delay(50);
        }

        return mailbox;
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        _received.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).Select(m => m.Message).ToList();

    /// <summary>
    /// Longer than the app's own promise for an interrupted delivery: a delivery that fails after claiming its mail (a
    /// storage timeout under a full suite's load) leaves it claimed for MailDeliveryOptions.ClaimLease (2 minutes), then
    /// the requeued message sends it. A mail later than that is lost, which is what the wait is there to catch.
    /// </summary>
    public static readonly TimeSpan DefaultWait = new ForumCloud.Functions.Mail.MailDeliveryOptions().ClaimLease + TimeSpan.FromSeconds(45);

    /// <summary>
    /// Waits until <paramref name="count"/> messages to the address have arrived whose subject contains <paramref name="subjectPart"/>.
    /// Generous by default (<see cref="DefaultWait"/>): in the full suite the shared runner also mails every other test's registrations (bursts of hundreds).
    /// </summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitAsync(string address, string subjectPart = "", int count = 1, TimeSpan? timeout = null)
    {
        try
        {
            return await Eventually.ValueAsync(
                () => Task.FromResult((IReadOnlyList<MimeMessage>)To(address).Where(m => (m.Subject ?? "").Contains(subjectPart, StringComparison.Ordinal)).ToList()),
                list => list.Count >= count, timeout ?? DefaultWait, what: $"{count} mail(s) '{subjectPart}'");
        }
        catch (TimeoutException ex)
        {
            // What the suite's runners logged as going wrong, so that a mail that never came says why: warnings and errors,
            // and the deliveries that failed and will be retried (logged as information, with their retry time).
            var trouble = CapturedLogs.Instance.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)
                    || (l.StartsWith("Information ForumCloud.Functions.Mail.MailDelivery", StringComparison.Ordinal) && l.Contains(" failed (", StringComparison.Ordinal)))
                .TakeLast(12).Select(l => l.Length > 600 ? l[..600] : l);
            var dump = Path.Combine(Path.GetTempPath(), $"forumcloud-mail-wait-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}.log");
            await File.WriteAllLinesAsync(dump, CapturedLogs.Instance.Lines); // the whole run's log, to follow the mail that never came
            throw new TimeoutException($"{ex.Message} ({_received.Count} mails received in all; the runners' whole log is in {dump}). Last warnings and errors of the runners:\n{string.Join("\n", trouble)}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class Store(TestMailbox mailbox) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            foreach (var to in transaction.To)
            {
                var address = to.AsAddress();
                var local = to.User;
                if (local.StartsWith("busy-", StringComparison.OrdinalIgnoreCase) && int.TryParse(local.Split('-')[1], out var refusals)
                    && mailbox._refusals.AddOrUpdate(address, 1, (_, n) => n + 1) <= refusals)
                {
                    return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Try again later");
                }
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            mailbox._received.Enqueue(([.. message.To.Mailboxes.Select(b => b.Address)], message));
            return new SmtpResponse(SmtpReplyCode.Ok, "2.0.0 Ok: queued as " + Guid.NewGuid().ToString("N")[..12]);
        }
    }

    private sealed class Filter : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!to.User.StartsWith("bounce", StringComparison.OrdinalIgnoreCase));
    }
}

using Azure.Data.Tables;
using ForumCloud.DevHost;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Partners;
using ForumCloud.Functions.Platform;
using ForumCloud.Functions.Privacy;
using ForumCloud.Functions.Retention;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Privacy;

/// <summary>
/// The retention sweep and the idempotency window against a real Azurite of their own (the sweep visits every event,
/// and a clock moved half a year ahead must not erase other tests' registrations), with the app's own services.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private AzuriteProcess _azurite = null!;
    private ServiceProvider _services = null!;
    private readonly MovableClock _clock = new();

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartInMemoryAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SettingNames.Storage] = _azurite.ConnectionString }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddForumCloud(configuration);
        services.AddSingleton<TimeProvider>(_clock);
        _services = services.BuildServiceProvider();
        await StorageProvisioner.EnsureAsync(Storage);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private StorageAccount Storage => _services.GetRequiredService<StorageAccount>();

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    private async Task<string> NewEventAsync(TimeSpan endsIn)
    {
        var now = DateTimeOffset.UtcNow;
        var forumEvent = ForumEvent.From(new EventRequest(Unique.Slug("retention"), "Retention test forum", EventTrack.SideEvent,
            EventsApi.Iso(now + endsIn - TimeSpan.FromHours(3)), EventsApi.Iso(now + endsIn), "Hall 1", ["en"], 10,
            EventsApi.Iso(now.AddDays(-1)), EventsApi.Iso(now + endsIn - TimeSpan.FromHours(4)), EventStatus.Published));
        await Get<EventCatalog>().CreateAsync(forumEvent, "test", CancellationToken.None);
        return forumEvent.EventId;
    }

    private static Attendee Person(string email) =>
        new("Ada Lovelace", email, "Analytical Engines Ltd", "GB", "speaker", "par_aaaaaaaaaaaaaaaaaaaa") { PrivacyNoticeVersion = Consent.Version };

    private async Task<RegistrationReceipt> RegisterAsync(string eventId, string email, string? key = null)
    {
        var attendee = Person(email);
        var outcome = await Get<RegistrationDesk>().RegisterConfirmedAsync(eventId, attendee, key, CancellationToken.None);
        return outcome.Receipt!;
    }

    private async Task<List<TableEntity>> PartitionAsync(string table, string partition) =>
        await Storage.Table(table).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")).ToListAsync();

    [Fact]
    public async Task Registrations_are_erased_after_the_retention_period_and_a_second_run_changes_nothing()
    {
        var eventId = await NewEventAsync(TimeSpan.FromDays(2));
        var keyed = await RegisterAsync(eventId, "ada@example.org", key: Guid.NewGuid().ToString());
        var second = await RegisterAsync(eventId, "grace@example.org");
        var third = await RegisterAsync(eventId, "li.lei@example.cn");
        // A sent confirmation in the outbox, as the notice handler writes it.
        await Storage.Table(TableNames.Notifications).AddEntityAsync(new OutboxRow
        {
            PartitionKey = RegistrationMail.PartitionFor(eventId), RowKey = RegistrationMail.RowFor(second.Code, RegistrationChangeKind.Confirmed),
            Template = "registration-confirmed", Recipient = "grace@example.org", RecipientName = "Grace Hopper", Subject = "Dear Grace Hopper", Text = "Dear Grace Hopper",
            Html = "<p>Dear Grace Hopper</p>", Status = ApiEnum.Name(MailStatus.Sent), SentAt = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
        });
        var secrets = (await PartitionAsync(TableNames.ForumEvents, eventId)).Select(r => r.GetString("CheckInSecret")).OfType<string>().ToList();
        foreach (var secret in secrets) await CheckInSecrets.IndexAsync(Storage, secret, eventId, "x", CancellationToken.None);

        // Ten days on: the event ended 8 days ago, within the 180 days; only the idempotency record (24 h) goes.
        _clock.Offset = TimeSpan.FromDays(10);
        var early = await Get<RetentionSweep>().RunAsync(CancellationToken.None);
        Assert.Equal((0, 0, 1), (early.EventsErased, early.RegistrationsErased, early.IdempotencyRecordsDeleted));
        var rows = await PartitionAsync(TableNames.ForumEvents, eventId);
        Assert.Equal(3, rows.Count(r => r.RowKey.StartsWith(EventKeys.RegistrationPrefix) && r.GetString("Name") == "Ada Lovelace"));
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith(EventKeys.IdempotencyPrefix));

        // 183 days after the event: every registration becomes a tombstone.
        _clock.Offset = TimeSpan.FromDays(185);
        var report = await Get<RetentionSweep>().RunAsync(CancellationToken.None);
        Assert.Equal((1, 3, 1), (report.EventsErased, report.RegistrationsErased, report.MailsErased));

        rows = await PartitionAsync(TableNames.ForumEvents, eventId);
        var registrations = rows.Where(r => r.RowKey.StartsWith(EventKeys.RegistrationPrefix)).ToList();
        Assert.Equal(new[] { keyed.Code, second.Code, third.Code }.Order(), registrations.Select(r => r.GetString("Code")).Order());
        foreach (var row in registrations)
        {
            Assert.Equal(("", "", ""), (row.GetString("Name"), row.GetString("Email"), row.GetString("Organization")));
            Assert.Null(row.GetString("Role"));
            Assert.Null(row.GetString("CheckInSecret"));
            Assert.NotNull(row.GetDateTimeOffset("ErasedAt"));
            Assert.Equal(("confirmed", "GB"), (row.GetString("Status"), row.GetString("Country"))); // what counting needs stays
        }

        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith(EventKeys.EmailGuardPrefix));
        Assert.Equal(3, rows.Single(r => r.RowKey == EventKeys.Ledger).GetInt32("Confirmed")); // the counts stay right
        foreach (var secret in secrets)
        {
            var hash = Secrets.Hash(secret);
            Assert.False((await Storage.Table(TableNames.CheckInSecrets).GetEntityIfExistsAsync<TableEntity>(hash[..2], hash)).HasValue);
        }

        var mail = (await PartitionAsync(TableNames.Notifications, RegistrationMail.PartitionFor(eventId))).Single();
        Assert.Equal(("", "", "", "sent"), (mail.GetString("Recipient"), mail.GetString("Subject"), mail.GetString("Html"), mail.GetString("Status")));
        Assert.Null(mail.GetString("RecipientName"));

        var before = (await PartitionAsync(TableNames.ForumEvents, eventId)).Select(r => (r.RowKey, r.ETag)).ToList();
        var again = await Get<RetentionSweep>().RunAsync(CancellationToken.None);
        Assert.Equal(0, again.Total);
        Assert.Equal(before, (await PartitionAsync(TableNames.ForumEvents, eventId)).Select(r => (r.RowKey, r.ETag)).ToList());
    }

    [Fact]
    public async Task A_partner_whose_verification_link_expired_unused_is_deleted_and_a_verified_one_stays()
    {
        var registry = Get<PartnerRegistry>();
        var pending = await registry.RegisterAsync(new PartnerCreate("Never verified", null, "DE", PartnerType.University, null, "nobody@example.org", Consent.Version), CancellationToken.None);
        var (verified, _) = await Partners.PartnerApi.AddVerifiedAsync(registry, new PartnerCreate("Verified", null, "FR", PartnerType.University, null, "someone@example.org"));

        _clock.Offset = TimeSpan.FromHours(12);
        Assert.Equal(0, (await Get<RetentionSweep>().RunAsync(CancellationToken.None)).UnverifiedContactsDeleted); // link expired, grace not over

        _clock.Offset = TimeSpan.FromDays(3);
        Assert.Equal(1, (await Get<RetentionSweep>().RunAsync(CancellationToken.None)).UnverifiedContactsDeleted);
        Assert.Null(await registry.FindAsync(pending.PartnerId, CancellationToken.None));
        Assert.NotNull(await registry.FindAsync(verified.PartnerId, CancellationToken.None));
        Assert.Equal(0, (await Get<RetentionSweep>().RunAsync(CancellationToken.None)).UnverifiedContactsDeleted);
    }

    [Fact]
    public async Task An_idempotency_key_is_replayed_for_24_hours_then_it_is_free_for_a_new_request()
    {
        var eventId = await NewEventAsync(TimeSpan.FromDays(20));
        var desk = Get<RegistrationDesk>();
        var key = Guid.NewGuid().ToString();
        var first = await desk.RegisterConfirmedAsync(eventId, Person("first@example.org"), key, CancellationToken.None);

        _clock.Offset = TimeSpan.FromHours(23);
        var replay = await desk.RegisterConfirmedAsync(eventId, Person("first@example.org"), key, CancellationToken.None);
        Assert.True(replay.Replayed);
        Assert.Equal((first.Receipt!.Code, first.Receipt.ManageToken), (replay.Receipt!.Code, replay.Receipt.ManageToken));
        var reused = await Assert.ThrowsAsync<ProblemException>(() => desk.RegisterConfirmedAsync(eventId, Person("other@example.org"), key, CancellationToken.None));
        Assert.Equal(422, reused.Status);

        _clock.Offset = TimeSpan.FromHours(25);
        var fresh = await desk.RegisterConfirmedAsync(eventId, Person("other@example.org"), key, CancellationToken.None);
        Assert.False(fresh.Replayed);
        Assert.NotEqual(first.Receipt.Code, fresh.Receipt!.Code);
        // The first body after the window is a new request too: its address is registered already.
        var duplicate = await Assert.ThrowsAnyAsync<ProblemException>(() => desk.RegisterConfirmedAsync(eventId, Person("first@example.org"), Guid.NewGuid().ToString(), CancellationToken.None));
        Assert.Equal(409, duplicate.Status);
    }

    private sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}

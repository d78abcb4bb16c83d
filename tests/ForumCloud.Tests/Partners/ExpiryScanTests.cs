using System.Net;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Partners;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>The daily expiry scan, run by hand through the runner's admin endpoint, twice.</summary>
[Collection(WholeTableCollection.Name)]
public sealed class ExpiryScanTests
{
    [SkippableFact]
    public async Task The_scan_expires_past_end_active_records_writes_reminders_and_a_second_run_changes_nothing()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: the admin endpoint and the tables are the local runner's.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var today = PartnerApi.BeijingToday;
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "CA");

        async Task<string> RecordAsync(DateOnly? end, params string[] path)
        {
            var id = await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation("2024-01-01", end is { } e ? PartnerApi.Date(e) : null));
            await PartnerApi.WalkAsync(http, id, path);
            return id;
        }

        string[] toActive = ["under-review", "signed", "active"];
        var pastEndActive = await RecordAsync(today.AddDays(-3), toActive);
        var endsTodayActive = await RecordAsync(today, toActive);
        var soonActive = await RecordAsync(today.AddDays(10), toActive);
        var soonSigned = await RecordAsync(today.AddDays(30), "under-review", "signed");
        var laterActive = await RecordAsync(today.AddDays(31), toActive);
        var pastEndSigned = await RecordAsync(today.AddDays(-5), "under-review", "signed");
        var soonProposed = await RecordAsync(today.AddDays(5));
        var openEnded = await RecordAsync(null, toActive);

        var first = await http.PostAsync("admin/functions/CooperationExpiryScan", Problems.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var expired = await PartnerApi.StaffGetAsync(http, pastEndActive);
        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.Equal(5, expired.GetProperty("version").GetInt32());
        var last = expired.GetProperty("history")[4];
        Assert.Equal("active", last.GetProperty("from").GetString());
        Assert.Equal("expired", last.GetProperty("to").GetString());
        Assert.Equal("system", last.GetProperty("actor").GetString());
        Assert.Contains(PartnerApi.Date(today.AddDays(-3)), last.GetProperty("note").GetString());

        foreach (var (id, status) in new[] { (endsTodayActive, "active"), (soonActive, "active"), (soonSigned, "signed"), (laterActive, "active"), (pastEndSigned, "signed"), (soonProposed, "proposed"), (openEnded, "active") })
        {
            Assert.Equal(status, (await PartnerApi.StaffGetAsync(http, id)).GetProperty("status").GetString());
        }

        var reminders = storage.Table(TableNames.Reminders);
        async Task<string[]> RemindersOf(string id) =>
            await reminders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}")).Select(e => e.RowKey).ToArrayAsync();

        Assert.Equal([$"expired-{PartnerApi.Date(today.AddDays(-3))}"], await RemindersOf(pastEndActive));
        Assert.Equal([$"expiring-soon-{PartnerApi.Date(today)}"], await RemindersOf(endsTodayActive));
        Assert.Equal([$"expiring-soon-{PartnerApi.Date(today.AddDays(10))}"], await RemindersOf(soonActive));
        Assert.Equal([$"expiring-soon-{PartnerApi.Date(today.AddDays(30))}"], await RemindersOf(soonSigned));
        Assert.Equal([$"past-end-not-active-{PartnerApi.Date(today.AddDays(-5))}"], await RemindersOf(pastEndSigned));
        foreach (var id in new[] { laterActive, soonProposed, openEnded }) Assert.Empty(await RemindersOf(id));

        // Staff read the same reminders through the digest route.
        var digest = await ReadRemindersAsync(http, $"writtenSince={PartnerApi.Date(today)}");
        var ours = digest.Where(r => r.GetProperty("partnerId").GetString() == partnerId)
            .ToDictionary(r => r.GetProperty("cooperationId").GetString()!, r => r.GetProperty("kind").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            [pastEndActive] = "expired",
            [endsTodayActive] = "expiring-soon",
            [soonActive] = "expiring-soon",
            [soonSigned] = "expiring-soon",
            [pastEndSigned] = "past-end-not-active",
        }, ours);
        var expiredOnly = await ReadRemindersAsync(http, $"kind=expired&writtenSince={PartnerApi.Date(today)}");
        Assert.All(expiredOnly, r => Assert.Equal("expired", r.GetProperty("kind").GetString()));
        Assert.Contains(expiredOnly, r => r.GetProperty("cooperationId").GetString() == pastEndActive);

        // Second run: every entity of the three tables keeps its ETag.
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Cooperations, TableNames.Reminders, TableNames.Partners);
        var second = await http.PostAsync("admin/functions/CooperationExpiryScan", Problems.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Cooperations, TableNames.Reminders, TableNames.Partners));
    }

    [Theory]
    [InlineData("kind=soon", "kind")]
    [InlineData("writtenSince=2027-13-01", "writtenSince")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("continuation=forged", "continuation")]
    public async Task Bad_reminder_filters_are_400(string query, string field)
    {
        var http = await SharedRunner.ClientAsync();
        var problem = await Problems.AssertProblemAsync(await http.GetAsync($"api/staff/reminders?{query}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    private static async Task<List<System.Text.Json.JsonElement>> ReadRemindersAsync(HttpClient http, string query)
    {
        var items = new List<System.Text.Json.JsonElement>();
        string? continuation = null;
        do
        {
            var page = await Problems.JsonAsync(await http.GetAsync($"api/staff/reminders?{query}&pageSize=3" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))), HttpStatusCode.OK);
            OpenApiShapeTests.AssertShape("CooperationReminderPage", page);
            foreach (var item in page.GetProperty("items").EnumerateArray()) OpenApiShapeTests.AssertShape("CooperationReminder", item);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            continuation = page.GetProperty("continuation").ValueKind == System.Text.Json.JsonValueKind.Null ? null : page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        return items;
    }

    [SkippableFact]
    public async Task The_service_reports_what_it_did_and_nothing_the_second_time()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var storage = await SharedAzurite.StorageAsync();
        var partners = PartnerApi.Registry(storage);
        var book = new CooperationBook(storage, partners, TimeProvider.System);
        var outbox = new MailOutbox(storage, new NoticeIndex(storage, Microsoft.Extensions.Logging.Abstractions.NullLogger<NoticeIndex>.Instance), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MailOutbox>.Instance);
        var expiry = new CooperationExpiry(storage, book, partners, outbox, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<CooperationExpiry>.Instance);
        var contact = TestMailbox.Address("partner");
        var (created, createdToken) = await PartnerApi.AddVerifiedAsync(partners, new PartnerCreate("Expiry GmbH", "过期有限公司", "DE", PartnerType.Enterprise, null, contact));
        var partner = await partners.OpenAsync(created.PartnerId, createdToken, CancellationToken.None);
        var end = PartnerApi.Date(PartnerApi.BeijingToday.AddDays(-1));
        var record = await book.CreateAsync(partner, new CooperationCreate("Ended", CooperationType.JointLaboratory, ["batteries"], ZgcPark.Changping, "2024-01-01", end, "Done."), "test", CancellationToken.None);
        var version = 1;
        foreach (var to in new[] { CooperationStatus.UnderReview, CooperationStatus.Signed, CooperationStatus.Active })
        {
            version = (await book.TransitionAsync(record.CooperationId, to, null, version, "staff", CancellationToken.None)).Version;
        }

        // Drain whatever other records need (this collection runs alone), then the scan has nothing left to do.
        var first = await expiry.RunAsync(CancellationToken.None);
        Assert.True(first.Expired >= 1);
        var second = await expiry.RunAsync(CancellationToken.None);
        Assert.Equal(0, second.Expired);
        Assert.Equal(0, second.RemindersWritten);
        Assert.Equal(0, second.Skipped);
        Assert.Equal(CooperationStatus.Expired, (await book.FindAsync(record.CooperationId, CancellationToken.None))!.Value.Record.Status);

        // The reminder reached the partner's contact once (the suite's runner delivers the outbox), in both languages.
        await SharedRunner.ClientAsync();
        var mail = Assert.Single(await (await TestMailbox.SharedAsync()).WaitAsync(contact, "Cooperation expired"));
        Assert.Contains("合作已到期", mail.Subject);
        Assert.Contains("Ended", mail.TextBody);
        Assert.Contains("过期有限公司", mail.TextBody);
        Assert.Equal("Expiry GmbH", mail.To.Mailboxes.Single().Name);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Infrastructure;
using MimeKit;

namespace ForumCloud.Tests.Mail;

/// <summary>
/// Mail over real HTTP through the suite's runner, which sends to the test mailbox (a real SMTP server) through the
/// ForumCloud__Mail__* settings: registration → mail → check-in by the QR's secret; waitlist, cancel, promotion;
/// staff changes and cancels the event; the day-before reminder; failed notices for staff.
/// </summary>
public sealed class MailFlowTests
{
    private const string NotLocal = "The test mailbox receives only the local runner's mail.";

    [SkippableFact]
    public async Task A_registration_mails_a_qr_that_checks_the_person_in_once()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, NotLocal);
        var http = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 5);
        var address = TestMailbox.Address();
        var receipt = await EventsApi.RegisterAsync(http, eventId, address, "Chen Wei");

        var mail = (await mailbox.WaitAsync(address, "Registration confirmed")).Single();
        Assert.NotNull(ReceivedMail.Part(mail, "text", "calendar"));
        var secret = ReceivedMail.DecodeQr(mail);
        Assert.Contains(receipt.GetProperty("code").GetString()!, mail.TextBody);
        Assert.Contains($"https://forum.test/api/registrations/{receipt.GetProperty("code").GetString()}", mail.HtmlBody);

        var first = await Problems.JsonAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret }), HttpStatusCode.OK);
        Assert.Equal(receipt.GetProperty("code").GetString(), first.GetProperty("code").GetString());
        Assert.Equal("Chen Wei", first.GetProperty("name").GetString());
        var again = await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret }), HttpStatusCode.Conflict);
        Assert.Equal(first.GetProperty("checkedInAt").GetString(), again.GetProperty("checkedInAt").GetString());

        var welcome = (await mailbox.WaitAsync(address, "Welcome to")).Single();
        Assert.Null(ReceivedMail.Part(welcome, "image", "png"));
    }

    [SkippableFact]
    public async Task The_check_in_route_refuses_malformed_unknown_and_cancelled_secrets_and_stores_nothing()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, NotLocal);
        var http = await SharedRunner.ClientAsync();
        var malformed = await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret = "not a secret" }), HttpStatusCode.BadRequest);
        Assert.True(malformed.GetProperty("errors").TryGetProperty("secret", out _));
        await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { }), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret = ForumCloud.Functions.Events.CheckInSecrets.New() }), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await http.PostAsync("api/staff/check-ins", new StringContent("{\"secret\":1}", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        var mailbox = await TestMailbox.SharedAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 5);
        var address = TestMailbox.Address();
        var receipt = await EventsApi.RegisterAsync(http, eventId, address);
        var secret = ReceivedMail.DecodeQr((await mailbox.WaitAsync(address, "Registration confirmed")).Single());
        Assert.Equal(HttpStatusCode.NoContent, (await EventsApi.CancelAsync(http, receipt.GetProperty("code").GetString()!, receipt.GetProperty("manageToken").GetString())).StatusCode);
        var cancelled = await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret }), HttpStatusCode.Conflict);
        Assert.Equal("Registration cancelled.", cancelled.GetProperty("title").GetString());
        var list = await EventsApi.StaffListAsync(http, eventId);
        Assert.All(list, r => Assert.False(r.TryGetProperty("checkedInAt", out var at) && at.ValueKind != JsonValueKind.Null));
    }

    [SkippableFact]
    public async Task Waitlist_cancellation_and_promotion_each_mail_the_right_person()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, NotLocal);
        var http = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var (seated, waiting) = (TestMailbox.Address("seated"), TestMailbox.Address("waiting"));
        var seat = await EventsApi.RegisterAsync(http, eventId, seated);
        await EventsApi.RegisterAsync(http, eventId, waiting);

        var waitlisted = (await mailbox.WaitAsync(waiting, "On the waitlist")).Single();
        Assert.Contains("position 1", waitlisted.TextBody);
        Assert.Null(ReceivedMail.Part(waitlisted, "image", "png"));
        // The seated person cancels after their confirmation came (a confirmation still unsent at the cancel is not sent).
        var confirmedUid = ReceivedMail.Calendar((await mailbox.WaitAsync(seated, "Registration confirmed")).Single()).Events.Single().Uid;

        await EventsApi.CancelAsync(http, seat.GetProperty("code").GetString()!, seat.GetProperty("manageToken").GetString());
        var cancel = (await mailbox.WaitAsync(seated, "Registration cancelled")).Single();
        Assert.Equal("CANCEL", ReceivedMail.Calendar(cancel).Method);
        Assert.Equal(confirmedUid, ReceivedMail.Calendar(cancel).Events.Single().Uid);

        var promoted = (await mailbox.WaitAsync(waiting, "A seat is yours")).Single();
        Assert.Equal("REQUEST", ReceivedMail.Calendar(promoted).Method);
        Assert.Equal(43, ReceivedMail.DecodeQr(promoted).Length);
    }

    [SkippableFact]
    public async Task Staff_changing_the_venue_or_cancelling_the_event_tells_every_registrant()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, NotLocal);
        var http = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var people = new[] { TestMailbox.Address("one"), TestMailbox.Address("two") };
        foreach (var person in people) await EventsApi.RegisterAsync(http, eventId, person);
        await mailbox.WaitAsync(people[0], "Registration confirmed");
        await mailbox.WaitAsync(people[1], "On the waitlist");

        var body = EventsApi.EventBody(eventId, capacity: 1);
        body["venue"] = "China National Convention Center";
        await Problems.JsonAsync(await http.PutAsJsonAsync($"api/staff/events/{eventId}", body), HttpStatusCode.OK);
        foreach (var person in people)
        {
            var changed = (await mailbox.WaitAsync(person, "Changed")).Single();
            Assert.Contains("China National Convention Center", changed.TextBody);
            Assert.Equal("China National Convention Center", ReceivedMail.Calendar(changed).Events.Single().Location);
        }

        body["title"] = "Renamed only"; // a new title alone is no change of time or venue: no mail
        body["status"] = "cancelled";
        await Problems.JsonAsync(await http.PutAsJsonAsync($"api/staff/events/{eventId}", body), HttpStatusCode.OK);
        foreach (var person in people)
        {
            var cancelled = (await mailbox.WaitAsync(person, "Cancelled by the organisers")).Single();
            Assert.Equal("CANCEL", ReceivedMail.CalendarMethodParameter(cancelled));
            Assert.Equal("CANCELLED", ReceivedMail.Calendar(cancelled).Events.Single().Status);
        }

        Assert.Single(mailbox.To(people[0]), m => (m.Subject ?? "").Contains("Changed", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Two_reminder_runs_mail_one_reminder_to_each_confirmed_registration()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, NotLocal);
        var http = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var eventId = Unique.Slug("tomorrow");
        var tomorrow = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(1);
        var body = EventsApi.EventBody(eventId, capacity: 2);
        body["startsAt"] = $"{tomorrow:yyyy-MM-dd}T10:00:00+08:00";
        body["endsAt"] = $"{tomorrow:yyyy-MM-dd}T12:00:00+08:00";
        body["registrationClosesAt"] = $"{tomorrow:yyyy-MM-dd}T09:00:00+08:00";
        await Problems.JsonAsync(await http.PostAsJsonAsync("api/staff/events", body), HttpStatusCode.Created);
        var people = new[] { TestMailbox.Address("r1"), TestMailbox.Address("r2"), TestMailbox.Address("r3") };
        foreach (var person in people) await EventsApi.RegisterAsync(http, eventId, person);
        await mailbox.WaitAsync(people[2], "On the waitlist");

        for (var run = 0; run < 2; run++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("admin/functions/EventReminders", Problems.Json("{}"))).StatusCode);
        }

        foreach (var person in people[..2])
        {
            var reminder = (await mailbox.WaitAsync(person, "Tomorrow")).Single();
            Assert.Equal(43, ReceivedMail.DecodeQr(reminder).Length);
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // time for a second reminder to arrive, if one were sent
        Assert.All(people[..2], p => Assert.Single(mailbox.To(p), m => (m.Subject ?? "").Contains("Tomorrow", StringComparison.Ordinal)));
        Assert.DoesNotContain(mailbox.To(people[2]), m => (m.Subject ?? "").Contains("Tomorrow", StringComparison.Ordinal)); // waitlisted
    }

    [SkippableFact]
    public async Task Staff_see_a_refused_mail_among_the_failed_notices_and_the_language_is_the_attendees()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, NotLocal);
        var http = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 5);
        var bounce = TestMailbox.Address("bounce");
        var receipt = await EventsApi.RegisterAsync(http, eventId, bounce);
        var code = receipt.GetProperty("code").GetString()!;

        var item = await Eventually.ValueAsync(async () => await FailedNoticeAsync(http, code), i => i is not null, what: "the failed notice");
        Assert.Equal("registration-confirmed", item!.Value.GetProperty("template").GetString());
        Assert.Equal("failed", item.Value.GetProperty("status").GetString());
        Assert.Equal(bounce, item.Value.GetProperty("recipient").GetString());
        Assert.Contains("550", item.Value.GetProperty("lastError").GetString());
        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/notices?status=lost"), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/notices?continuation=forged"), HttpStatusCode.BadRequest);

        var english = TestMailbox.Address("english");
        var response = await EventsApi.PostRegistrationAsync(http, eventId, new { name = "Ada", email = english, organization = "Org", country = "GB", language = "en", privacyNoticeVersion = ForumCloud.Tests.Privacy.Consent.Version });
        await Problems.JsonAsync(response, HttpStatusCode.Created);
        Assert.DoesNotContain("报名", (await mailbox.WaitAsync(english, "Registration confirmed")).Single().Subject);
        var french = await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, new { name = "Ada", email = TestMailbox.Address(), organization = "Org", country = "FR", language = "fr", privacyNoticeVersion = ForumCloud.Tests.Privacy.Consent.Version }), HttpStatusCode.BadRequest);
        Assert.True(french.GetProperty("errors").TryGetProperty("language", out _));
    }

    private static async Task<JsonElement?> FailedNoticeAsync(HttpClient http, string code)
    {
        string? continuation = null;
        do
        {
            var page = await Problems.JsonAsync(await http.GetAsync("api/staff/notices?status=failed&pageSize=100" + (continuation is null ? "" : "&continuation=" + continuation)), HttpStatusCode.OK);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("noticeId").GetString()!.EndsWith("/" + code + "-confirmed", StringComparison.Ordinal)) return item;
            }

            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.Null ? null : Uri.EscapeDataString(page.GetProperty("continuation").GetString()!);
        }
        while (continuation is not null);
        return null;
    }
}

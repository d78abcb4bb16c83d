using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Partners;

namespace ForumCloud.Tests.Privacy;

/// <summary>Consent to the privacy notice and erasure by the person, over real HTTP on the suite's runner, checked in the raw rows.</summary>
public sealed class ConsentAndErasureTests
{
    private static JsonObject Registration(string email, string? version)
    {
        var body = new JsonObject { ["name"] = "Ada Lovelace", ["email"] = email, ["organization"] = "Analytical Engines Ltd", ["country"] = "GB" };
        if (version is not null) body["privacyNoticeVersion"] = version;
        return body;
    }

    private static StorageAccount StorageOf(HttpClient http) =>
        RunnerStorage.Of(http.BaseAddress) ?? throw new SkipException("The raw rows are read from the suite's own runner's storage; not available against an external URL.");

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("2019-01-01")]
    public async Task A_registration_without_the_notice_in_force_is_422_and_stores_nothing(string? version)
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        var partner = await EventsApi.PartnerAsync(http);
        var email = $"consent-{Guid.NewGuid():N}@example.org";
        foreach (var anonymous in new[] { true, false })
        {
            var problem = await Problems.AssertProblemAsync(
                await EventsApi.PostRegistrationAsync(http, eventId, Registration(email, version), anonymous: anonymous, partner: anonymous ? null : partner),
                HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("privacyNoticeVersion", out _));
        }

        Assert.Equal(10, (await EventsApi.EventAsync(http, eventId)).GetProperty("seatsLeft").GetInt32());
        // Nothing was stored: the same address registers once it accepts the notice.
        var receipt = await Problems.JsonAsync(await EventsApi.PostRegistrationAsync(http, eventId, Registration(email, Consent.Version), partner: partner), HttpStatusCode.Created);
        var view = await Problems.JsonAsync(await EventsApi.GetRegistrationAsync(http, receipt.GetProperty("code").GetString()!, receipt.GetProperty("manageToken").GetString()), HttpStatusCode.OK);
        Assert.Equal(Consent.Version, view.GetProperty("privacyNoticeVersion").GetString()); // what was accepted is on the record, and shown to its holder
    }

    [SkippableFact]
    public async Task A_form_with_other_mistakes_lists_the_missing_consent_among_them()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        var body = Registration("not-an-email", null);
        body["name"] = "";
        var problem = await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, body, anonymous: true), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "email", "privacyNoticeVersion" }) Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [SkippableFact]
    public async Task Partners_and_applicants_must_accept_the_notice_too()
    {
        var http = await SharedRunner.ClientAsync();
        var partner = await Problems.AssertProblemAsync(await http.PostAsync("api/partners", PartnerApi.Body(new
        {
            name = "No consent university", country = "DE", type = "university", contactEmail = "intl@example.org",
        })), HttpStatusCode.UnprocessableEntity);
        Assert.True(partner.GetProperty("errors").TryGetProperty("privacyNoticeVersion", out _));

        var applicant = await Problems.AssertProblemAsync(await http.PostAsync("api/applicants", PartnerApi.Body(new
        {
            name = "No consent company", uscc = FilingSamples.RandomUscc(), contactEmail = "contact@example.cn", contactName = "王芳", privacyNoticeVersion = "old",
        })), HttpStatusCode.UnprocessableEntity);
        Assert.True(applicant.GetProperty("errors").TryGetProperty("privacyNoticeVersion", out _));
    }

    [SkippableFact]
    public async Task Erasure_by_the_person_leaves_an_anonymous_tombstone_and_keeps_the_counts_right()
    {
        var http = await SharedRunner.ClientAsync();
        var storage = StorageOf(http);
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var partner = await EventsApi.PartnerAsync(http);
        var email = $"erase-{Guid.NewGuid():N}@example.org";
        var receipt = await EventsApi.RegisterAsync(http, eventId, partner, email);
        var waiting = await EventsApi.RegisterAsync(http, eventId, partner);
        var (code, token) = (receipt.GetProperty("code").GetString()!, receipt.GetProperty("manageToken").GetString()!);
        var events = storage.Table(TableNames.ForumEvents);
        var secret = (await events.GetEntityAsync<RegistrationRow>(eventId, EventKeys.Registration(code))).Value.CheckInSecret!;
        // The confirmation mail is in the outbox before the person asks (the runner's notice handler wrote it).
        var notices = storage.Table(TableNames.Notifications);
        var mailKey = RegistrationMail.Key(eventId, code, RegistrationChangeKind.Confirmed);
        await Eventually.TrueAsync(async () => (await notices.GetEntityIfExistsAsync<TableEntity>(mailKey.Partition, mailKey.Row)).HasValue, TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.NoContent, (await EraseAsync(http, code, token)).StatusCode);

        var row = (await events.GetEntityAsync<TableEntity>(eventId, EventKeys.Registration(code))).Value;
        Assert.Equal(("", "", ""), (row.GetString("Name"), row.GetString("Email"), row.GetString("Organization")));
        Assert.Null(row.GetString("CheckInSecret"));
        Assert.Equal(("cancelled", "GB"), (row.GetString("Status"), row.GetString("Country")));
        Assert.NotNull(row.GetDateTimeOffset("ErasedAt"));
        Assert.False((await events.GetEntityIfExistsAsync<TableEntity>(eventId, EventKeys.EmailGuard(eventId, email))).HasValue);
        var hash = Secrets.Hash(secret);
        Assert.False((await storage.Table(TableNames.CheckInSecrets).GetEntityIfExistsAsync<TableEntity>(hash[..2], hash)).HasValue);
        // The mail is erased: gone if it was still pending, a log line without the person if it was sent.
        var mail = await notices.GetEntityIfExistsAsync<TableEntity>(mailKey.Partition, mailKey.Row);
        if (mail.HasValue) Assert.Equal(("", "", null), (mail.Value!.GetString("Recipient"), mail.Value.GetString("Html"), mail.Value.GetString("RecipientName")));

        // The tombstone still counts: the seat went to the waitlisted person, and the holder of the token sees what is left.
        await Eventually.TrueAsync(async () => await EventsApi.StatusOfAsync(http, waiting) == "confirmed", TimeSpan.FromSeconds(60));
        var view = await Problems.JsonAsync(await EventsApi.GetRegistrationAsync(http, code, token), HttpStatusCode.OK);
        Assert.Equal(("cancelled", ""), (view.GetProperty("status").GetString(), view.GetProperty("email").GetString()));

        var before = (await events.GetEntityAsync<TableEntity>(eventId, EventKeys.Registration(code))).Value.ETag;
        Assert.Equal(HttpStatusCode.NoContent, (await EraseAsync(http, code, token)).StatusCode);
        Assert.Equal(before, (await events.GetEntityAsync<TableEntity>(eventId, EventKeys.Registration(code))).Value.ETag);
        Assert.Equal(HttpStatusCode.NotFound, (await EraseAsync(http, code, Secrets.NewToken())).StatusCode);
    }

    [SkippableFact]
    public async Task A_partner_and_an_applicant_can_have_their_contact_erased_and_keep_working()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(Erasure($"api/partners/{partnerId}/erasure", Secrets.NewToken()))).StatusCode);
        var erased = await Problems.JsonAsync(await http.SendAsync(Erasure($"api/partners/{partnerId}/erasure", token)), HttpStatusCode.OK);
        Assert.Equal("", erased.GetProperty("contactEmail").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, erased.GetProperty("contactErasedAt").ValueKind);
        var own = await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), HttpStatusCode.OK);
        Assert.Equal("", own.GetProperty("contactEmail").GetString());

        var applicant = await ApplicantApi.VerifiedAsync(http, outbox: RunnerStorage.Of(http.BaseAddress));
        var gone = await Problems.JsonAsync(await http.SendAsync(Erasure($"api/applicants/{applicant.ApplicantId}/erasure", applicant.Token)), HttpStatusCode.OK);
        Assert.Equal(("", ""), (gone.GetProperty("contactEmail").GetString(), gone.GetProperty("contactName").GetString()));
        // Filings are records the commission keeps: the applicant still files with its token.
        Assert.Equal(HttpStatusCode.Accepted, (await ApplicantApi.FileAsync(http, applicant, FilingSamples.Body(uscc: applicant.Uscc))).StatusCode);
    }

    private static Task<HttpResponseMessage> EraseAsync(HttpClient http, string code, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"api/registrations/{code}?erase=true");
        request.Headers.Add("X-Manage-Token", token);
        return http.SendAsync(request);
    }

    private static HttpRequestMessage Erasure(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("X-Access-Token", token);
        return request;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Events;

/// <summary>Forum events and registrations end to end over HTTP through the local runner.</summary>
public sealed class EventApiTests
{
    [Fact]
    public async Task Staff_create_an_event_the_public_lists_and_reads_it_with_seats()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = Unique.Slug("ev");
        var created = await http.PostAsJsonAsync("api/staff/events", EventsApi.EventBody(eventId, capacity: 40, track: "technology-trading"));
        var body = await Problems.JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal($"/api/events/{eventId}", created.Headers.Location?.ToString());
        Assert.Equal("technology-trading", body.GetProperty("track").GetString());

        var one = await EventsApi.EventAsync(http, eventId);
        Assert.Equal((40, 40, 0, true), (one.GetProperty("capacity").GetInt32(), one.GetProperty("seatsLeft").GetInt32(), one.GetProperty("waitlistLength").GetInt32(), one.GetProperty("registrationOpen").GetBoolean()));
        Assert.EndsWith("+08:00", one.GetProperty("startsAt").GetString());

        var listed = await Problems.JsonAsync(await http.GetAsync("api/events?track=technology-trading"), HttpStatusCode.OK);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("eventId").GetString() == eventId);
        var otherTrack = await Problems.JsonAsync(await http.GetAsync("api/events?track=plenary"), HttpStatusCode.OK);
        Assert.DoesNotContain(otherTrack.GetProperty("items").EnumerateArray(), e => e.GetProperty("eventId").GetString() == eventId);
        var tooEarly = await Problems.JsonAsync(await http.GetAsync($"api/events?to={DateTimeOffset.UtcNow.AddDays(2):yyyy-MM-dd}"), HttpStatusCode.OK);
        Assert.DoesNotContain(tooEarly.GetProperty("items").EnumerateArray(), e => e.GetProperty("eventId").GetString() == eventId);
        await Problems.AssertProblemAsync(await http.GetAsync("api/events?track=keynote"), HttpStatusCode.BadRequest);

        await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/events", EventsApi.EventBody(eventId)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Drafts_are_hidden_from_the_public_and_take_no_registrations()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, status: "draft");
        await Problems.AssertProblemAsync(await http.GetAsync($"api/events/{eventId}"), HttpStatusCode.NotFound);
        var listed = await Problems.JsonAsync(await http.GetAsync("api/events"), HttpStatusCode.OK);
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("eventId").GetString() == eventId);
        await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee("ada@example.org")), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("cancelled", null, null)]
    [InlineData("published", 2.0, 10.0)]
    [InlineData("published", -10.0, -1.0)]
    public async Task Registration_outside_the_window_or_for_a_cancelled_event_is_409_and_stores_nothing(string status, double? opensInDays, double? closesInDays)
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, status: status,
            opensIn: opensInDays is { } o ? TimeSpan.FromDays(o) : null, closesIn: closesInDays is { } c ? TimeSpan.FromDays(c) : null);
        var problem = await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee("ada@example.org")), HttpStatusCode.Conflict);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Empty(await EventsApi.StaffListAsync(http, eventId));
        await AssertNoCodesReservedAsync(eventId);
    }

    [SkippableFact]
    public async Task A_registration_answers_a_code_and_a_token_that_alone_open_it()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        var response = await EventsApi.PostRegistrationAsync(http, eventId, new { name = "Li Lei", email = "li.lei@example.cn", organization = "Tsinghua University", country = "cn", role = "speaker", privacyNoticeVersion = ForumCloud.Tests.Privacy.Consent.Version });
        var receipt = await Problems.JsonAsync(response, HttpStatusCode.Created);
        var code = receipt.GetProperty("code").GetString()!;
        var token = receipt.GetProperty("manageToken").GetString()!;
        Assert.Matches("^[ABCDEFGHJKLMNPQRSTUVWXYZ3789]{8}$", code);
        Assert.Equal("confirmed", receipt.GetProperty("status").GetString());
        Assert.False(receipt.TryGetProperty("waitlistPosition", out _));
        Assert.Equal($"/api/registrations/{code}", response.Headers.Location?.ToString());

        var view = await Problems.JsonAsync(await EventsApi.GetRegistrationAsync(http, code, token), HttpStatusCode.OK);
        Assert.Equal(("Li Lei", "CN", "speaker", eventId), (view.GetProperty("name").GetString(), view.GetProperty("country").GetString(), view.GetProperty("role").GetString(), view.GetProperty("eventId").GetString()));
        Assert.Equal(code, (await Problems.JsonAsync(await EventsApi.GetRegistrationAsync(http, code.ToLowerInvariant(), token), HttpStatusCode.OK)).GetProperty("code").GetString());

        // Wrong, missing, or for a code that does not exist: the same 404.
        await Problems.AssertProblemAsync(await EventsApi.GetRegistrationAsync(http, code, "wrong-token"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await EventsApi.GetRegistrationAsync(http, code, null), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await EventsApi.GetRegistrationAsync(http, "ABCDEFGH", token), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await EventsApi.CancelAsync(http, code, "wrong-token"), HttpStatusCode.NotFound);
        Assert.Equal("confirmed", await EventsApi.StatusOfAsync(http, receipt));

        // The token is stored only as a hash.
        Skip.If(SharedRunner.App is null, "FORUMCLOUD_BASE_URL is set: this test needs the in-process runner's services and storage.");
        var row = (await (await SharedAzurite.StorageAsync()).Table(TableNames.ForumEvents).GetEntityAsync<TableEntity>(eventId, "reg-" + code)).Value;
        Assert.DoesNotContain(((IDictionary<string, object>)row).Values, v => v is string s && s.Contains(token));
        Assert.Equal(Secrets.Hash(token), row.GetString("ManageTokenHash"));
    }

    [Fact]
    public async Task The_same_email_again_for_the_same_event_is_409_whatever_its_case_and_spaces()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        await EventsApi.RegisterAsync(http, eventId, "Ada.Lovelace@Example.org");
        var problem = await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee("  ada.lovelace@example.ORG ")), HttpStatusCode.Conflict);
        Assert.Contains("already registered", problem.GetProperty("detail").GetString());
        Assert.Single(await EventsApi.StaffListAsync(http, eventId));

        // Another event takes the same email.
        var other = await EventsApi.CreateEventAsync(http);
        await EventsApi.RegisterAsync(http, other, "ada.lovelace@example.org");
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_gets_the_first_answer_and_stores_nothing_new()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        await EventsApi.RegisterAsync(http, eventId); // the only seat: the keyed request is waitlisted
        var key = Guid.NewGuid().ToString();
        var body = EventsApi.Attendee("grace@example.org", "Grace Hopper");

        var first = await Problems.JsonAsync(await EventsApi.PostRegistrationAsync(http, eventId, body, key), HttpStatusCode.Created);
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => EventsApi.PostRegistrationAsync(http, eventId, body, key)));
        foreach (var retry in retries)
        {
            var again = await Problems.JsonAsync(retry, HttpStatusCode.Created);
            Assert.Equal(first.GetRawText(), again.GetRawText());
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        }

        Assert.Equal(("waitlisted", 1), (first.GetProperty("status").GetString(), first.GetProperty("waitlistPosition").GetInt32()));
        Assert.Equal(2, (await EventsApi.StaffListAsync(http, eventId)).Count);

        // The same key with another body is refused.
        await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee("other@example.org"), key), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Concurrent_first_requests_with_one_Idempotency_Key_register_once()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        var key = Guid.NewGuid().ToString();
        var body = EventsApi.Attendee("concurrent@example.org");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => EventsApi.PostRegistrationAsync(http, eventId, body, key)));
        var codes = new HashSet<string>();
        foreach (var answer in answers) codes.Add((await Problems.JsonAsync(answer, HttpStatusCode.Created)).GetProperty("code").GetString()!);
        Assert.Single(codes);
        Assert.Single(await EventsApi.StaffListAsync(http, eventId));
    }

    public static TheoryData<string> BadBodies() => new()
    {
        """{"email":"a@example.org","organization":"Org","country":"DE"}""",
        """{"name":"","email":"a@example.org","organization":"Org","country":"DE"}""",
        """{"name":"   ","email":"a@example.org","organization":"Org","country":"DE"}""",
        $$"""{"name":"{{new string('x', 201)}}","email":"a@example.org","organization":"Org","country":"DE"}""",
        """{"name":"Ada","email":"not-an-email","organization":"Org","country":"DE"}""",
        """{"name":"Ada","email":"a@example.org","organization":"","country":"DE"}""",
        """{"name":"Ada","email":"a@example.org","organization":"Org","country":"XX"}""",
        """{"name":"Ada","email":"a@example.org","organization":"Org","country":"DEU"}""",
        """{"name":"Ada","email":"a@example.org","organization":"Org","country":"DE","partnerId":"bad/id"}""",
        """{"name":"Ada","email":"a@example.org","organization":"Org","country":"DE","unknown":1}""",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_400_and_stores_nothing(string json)
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        var problem = await Problems.AssertProblemAsync(await http.PostAsync($"api/events/{eventId}/registrations", Problems.Json(json)), HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Empty(await EventsApi.StaffListAsync(http, eventId));
        Assert.Equal(10, (await EventsApi.EventAsync(http, eventId)).GetProperty("seatsLeft").GetInt32());
        await AssertNoCodesReservedAsync(eventId);
    }

    [Fact]
    public async Task Unknown_events_bad_ids_long_keys_and_big_bodies_store_nothing()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http);
        var good = EventsApi.Attendee("ada@example.org");
        await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, Unique.Slug("nope"), good), HttpStatusCode.NotFound);
        var badId = await http.PostAsync("api/events/bad%27id/registrations", JsonContent.Create(good));
        await Problems.AssertProblemAsync(badId, HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, good, new string('k', 201)), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await EventsApi.PostRegistrationAsync(http, eventId, good, "short-key"), HttpStatusCode.BadRequest);
        var big = "{\"name\":\"" + new string('a', 65 * 1024) + "\",\"email\":\"ada@example.org\",\"organization\":\"O\",\"country\":\"DE\"}";
        await Problems.AssertProblemAsync(await http.PostAsync($"api/events/{eventId}/registrations", Problems.Json(big)), HttpStatusCode.RequestEntityTooLarge);
        await Problems.AssertProblemAsync(await http.PostAsync($"api/events/{eventId}/registrations", new StringContent("name=x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        await Problems.AssertProblemAsync(await http.GetAsync("api/events/bad%23id"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await http.GetAsync("api/registrations/bad%2Fcode"), HttpStatusCode.NotFound);

        Assert.Empty(await EventsApi.StaffListAsync(http, eventId));
        await AssertNoCodesReservedAsync(eventId);
        await EventsApi.RegisterAsync(http, eventId, "ada@example.org"); // the email is still free
    }

    [SkippableFact]
    public async Task Cancelling_a_confirmed_seat_promotes_the_first_waitlisted_who_gets_a_notice()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var seated = await EventsApi.RegisterAsync(http, eventId);
        var second = await EventsApi.RegisterAsync(http, eventId);
        var third = await EventsApi.RegisterAsync(http, eventId);
        Assert.Equal(("waitlisted", 1), (second.GetProperty("status").GetString(), second.GetProperty("waitlistPosition").GetInt32()));
        Assert.Equal(2, third.GetProperty("waitlistPosition").GetInt32());

        var cancel = await EventsApi.CancelAsync(http, seated.GetProperty("code").GetString()!, seated.GetProperty("manageToken").GetString());
        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await EventsApi.CancelAsync(http, seated.GetProperty("code").GetString()!, seated.GetProperty("manageToken").GetString())).StatusCode);
        Assert.Equal("cancelled", await EventsApi.StatusOfAsync(http, seated));

        await Eventually.ValueAsync(() => EventsApi.StatusOfAsync(http, second), s => s == "confirmed", what: "the first waitlisted to be promoted");
        var thirdView = await Problems.JsonAsync(await EventsApi.GetRegistrationAsync(http, third.GetProperty("code").GetString()!, third.GetProperty("manageToken").GetString()), HttpStatusCode.OK);
        Assert.Equal(("waitlisted", 1), (thirdView.GetProperty("status").GetString(), thirdView.GetProperty("waitlistPosition").GetInt32()));
        var seats = await EventsApi.EventAsync(http, eventId);
        Assert.Equal((0, 1), (seats.GetProperty("seatsLeft").GetInt32(), seats.GetProperty("waitlistLength").GetInt32()));

        Skip.If(SharedRunner.App is null, "FORUMCLOUD_BASE_URL is set: this test needs the in-process runner's services and storage.");
        var outbox = (await SharedAzurite.StorageAsync()).Table(TableNames.Notifications);
        var code = second.GetProperty("code").GetString()!;
        var notice = await Eventually.ValueAsync(
            async () => await outbox.GetEntityIfExistsAsync<OutboxRow>(RegistrationMail.PartitionFor(eventId), RegistrationMail.RowFor(code, RegistrationChangeKind.Promoted)),
            r => r.HasValue && r.Value!.SentAt is not null, what: "the promotion notice");
        Assert.Contains("seat", notice.Value!.Subject);
        Assert.EndsWith("@example.org", notice.Value.Recipient);
        await Eventually.TrueAsync(async () => (await outbox.GetEntityIfExistsAsync<OutboxRow>(RegistrationMail.PartitionFor(eventId),
            RegistrationMail.RowFor(seated.GetProperty("code").GetString()!, RegistrationChangeKind.Cancelled))).HasValue, what: "the cancellation notice");

        // The cancelled email may register again (and joins the waitlist).
    }

    [Fact]
    public async Task Growing_capacity_promotes_from_the_waitlist_and_a_cut_below_confirmed_is_409()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 2);
        var receipts = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 5; i++) receipts.Add(await EventsApi.RegisterAsync(http, eventId));

        await Problems.AssertProblemAsync(await http.PutAsJsonAsync($"api/staff/events/{eventId}", EventsApi.EventBody(eventId, capacity: 1)), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await http.PutAsJsonAsync($"api/staff/events/{eventId}", EventsApi.EventBody(Unique.Slug("other"), capacity: 4)), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await http.PutAsJsonAsync($"api/staff/events/{Unique.Slug("nope")}", EventsApi.EventBody(eventId, capacity: 4)), HttpStatusCode.BadRequest);
        var updated = await Problems.JsonAsync(await http.PutAsJsonAsync($"api/staff/events/{eventId}", EventsApi.EventBody(eventId, capacity: 4)), HttpStatusCode.OK);
        Assert.Equal(4, updated.GetProperty("capacity").GetInt32());

        await Eventually.ValueAsync(() => EventsApi.StatusOfAsync(http, receipts[3]), s => s == "confirmed", what: "two waitlisted to be promoted");
        Assert.Equal("confirmed", await EventsApi.StatusOfAsync(http, receipts[2]));
        Assert.Equal("waitlisted", await EventsApi.StatusOfAsync(http, receipts[4]));
        var seats = await EventsApi.EventAsync(http, eventId);
        Assert.Equal((0, 1), (seats.GetProperty("seatsLeft").GetInt32(), seats.GetProperty("waitlistLength").GetInt32()));
    }

    [Fact]
    public async Task Check_in_works_once_and_a_second_time_says_when()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var seated = await EventsApi.RegisterAsync(http, eventId);
        var waiting = await EventsApi.RegisterAsync(http, eventId);
        var code = seated.GetProperty("code").GetString()!;

        var first = await Problems.JsonAsync(await http.PostAsync($"api/staff/registrations/{code}/check-in", null), HttpStatusCode.OK);
        var at = first.GetProperty("checkedInAt").GetString()!;
        Assert.EndsWith("+08:00", at);
        var again = await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/registrations/{code}/check-in", null), HttpStatusCode.Conflict);
        Assert.Equal(DateTimeOffset.Parse(at), again.GetProperty("checkedInAt").GetDateTimeOffset());
        Assert.Contains(DateTimeOffset.Parse(at).ToString("yyyy-MM-dd'T'HH:mm:ss"), again.GetProperty("detail").GetString());

        await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/registrations/{waiting.GetProperty("code").GetString()}/check-in", null), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await http.PostAsync("api/staff/registrations/ABCDEFGH/check-in", null), HttpStatusCode.NotFound);

        var list = await EventsApi.StaffListAsync(http, eventId);
        Assert.Equal(at, list.Single(r => r.GetProperty("code").GetString() == code).GetProperty("checkedInAt").GetString());
    }

    [Fact]
    public async Task The_staff_list_comes_as_json_and_as_excel_safe_csv()
    {
        var http = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        await EventsApi.RegisterAsync(http, eventId, "first@example.org", "=HYPERLINK(\"http://evil.example\",\"click\")");
        await EventsApi.RegisterAsync(http, eventId, "second@example.org", "张伟, Jr.");

        var json = await EventsApi.StaffListAsync(http, eventId);
        Assert.Equal(2, json.Count);
        Assert.Contains(json, r => r.GetProperty("status").GetString() == "waitlisted" && r.GetProperty("waitlistPosition").GetInt32() == 1);

        var request = new HttpRequestMessage(HttpMethod.Get, $"api/staff/events/{eventId}/registrations");
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("code,status,waitlistPosition,name,email,organization,country", lines[0]);
        Assert.Contains(",confirmed,,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",first@example.org,", lines[1]);
        Assert.Contains(",waitlisted,1,\"张伟, Jr.\",second@example.org,", lines[2]);

        await Problems.AssertProblemAsync(await http.GetAsync($"api/staff/events/{Unique.Slug("nope")}/registrations"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task The_chatbot_query_lists_only_events_open_for_registration()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: needs the in-process service.");
        var http = await SharedRunner.ClientAsync();
        var open = await EventsApi.CreateEventAsync(http, capacity: 3);
        var closed = await EventsApi.CreateEventAsync(http, opensIn: TimeSpan.FromDays(1));
        await EventsApi.RegisterAsync(http, open);

        var catalog = (EventCatalog)SharedRunner.App!.Services.GetService(typeof(EventCatalog))!;
        var summaries = await Eventually.ValueAsync(() => catalog.ListOpenForRegistrationAsync(CancellationToken.None),
            l => l.Any(s => s.EventId == open && s.SeatsLeft == 2), what: "the catalogue follows the ledger");
        Assert.Single(summaries, s => s.EventId == open);
        Assert.DoesNotContain(summaries, s => s.EventId == closed);
    }

    private static async Task AssertNoCodesReservedAsync(string eventId)
    {
        // A check within larger tests, which still test the deployed app's answers: only this step needs our storage.
        if (SharedRunner.App is null) return;
        var codes = (await SharedAzurite.StorageAsync()).Table(TableNames.RegistrationCodes);
        var count = 0;
        await foreach (var _ in codes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"EventId eq {eventId}"))) count++;
        Assert.Equal(0, count);
    }
}

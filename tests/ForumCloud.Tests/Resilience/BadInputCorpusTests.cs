using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// Hundreds of bad requests over every write endpoint (and injection attempts in every query parameter),
/// against a runner and an Azurite of their own: each gets a 4xx problem-details answer, never a 5xx, and
/// every table and queue is exactly as before.
/// </summary>
public sealed class BadInputCorpusTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private PrivateRunner _runner = null!;
    private string _partnerId = "", _partnerToken = "", _cooperationId = "", _code = "", _filingId = "";
    private Filings.TestApplicant _applicant = null!;

    public async Task InitializeAsync()
    {
        _runner = await PrivateRunner.StartAsync((options, _) => options.RunTriggers = false);

        await PostAsync("api/staff/events", EventBody("corpus-event"));
        _partnerId = (await PostAsync("api/partners", PartnerBody())).GetProperty("partnerId").GetString()!;
        var link = await OutboxLinks.TokenAsync(_runner.Storage, "partner-" + _partnerId);
        _partnerToken = (await PostAsync("api/partners/verify", new JsonObject { ["token"] = link })).GetProperty("accessToken").GetString()!;
        _cooperationId = (await PostAsync($"api/partners/{_partnerId}/cooperations", CooperationBody(), ("X-Access-Token", _partnerToken))).GetProperty("cooperationId").GetString()!;
        var partnerRegistration = RegistrationBody();
        partnerRegistration["partnerId"] = _partnerId;
        _code = (await PostAsync("api/events/corpus-event/registrations", partnerRegistration, ("X-Access-Token", _partnerToken))).GetProperty("code").GetString()!;
        _applicant = await Filings.ApplicantApi.VerifiedAsync(_runner.Http, Filings.FilingSamples.PublishedUsccs[0], outbox: _runner.Storage);
        _filingId = (await PostAsync("api/filings", Filings.FilingSamples.Body(), ("X-Access-Token", _applicant.Token))).GetProperty("filingId").GetString()!;
    }

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task Every_bad_request_is_a_4xx_problem_and_changes_nothing()
    {
        var cases = WriteEndpoints().SelectMany(BadInputCorpus.For).Concat(HeaderCases()).ToList();
        var before = await StorageSnapshot.TakeAsync(_runner.Storage);
        var failures = new List<string>();

        foreach (var bad in cases)
        {
            var request = new HttpRequestMessage(bad.Method, bad.Path);
            if (bad.Body is not null)
            {
                request.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(bad.Body));
                if (bad.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", bad.ContentType);
            }

            foreach (var (name, value) in bad.Headers) request.Headers.TryAddWithoutValidation(name, value);
            var response = await _runner.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status is < 400 or >= 500 || mediaType != "application/problem+json")
            {
                failures.Add($"{bad}: {status} {mediaType} {await response.Content.ReadAsStringAsync()}");
            }
        }

        output.WriteLine($"{cases.Count} bad requests over {cases.Select(c => c.Endpoint).Distinct().Count()} write endpoints");
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases were not 4xx problems:\n" + string.Join("\n", failures.Take(40)));
        Assert.Equal(before, await StorageSnapshot.TakeAsync(_runner.Storage));
    }

    public static readonly string[] Injections =
    [
        "' or PartitionKey ne '", "x' or 1 eq 1 or 'a' eq 'a", "eq", "(", ")", "active) or (Status ne null", "%27", "../../etc/passwd", "\u202Eactive", "0x10", "-5", "999999999999",
    ];

    [Fact]
    public async Task Injection_attempts_in_every_query_parameter_are_4xx_problems()
    {
        var queries = new (string Path, string[] Parameters, (string, string)? Header)[]
        {
            ("api/events", ["track", "from", "to"], null),
            ("api/staff/cooperations", ["status", "country", "type", "partnerId", "expiringWithinDays", "pageSize", "continuation"], null),
            ("api/staff/reminders", ["kind", "writtenSince", "pageSize", "continuation"], null),
            ("api/staff/events/corpus-event/registrations", ["pageSize", "continuation"], null),
            ($"api/partners/{_partnerId}/cooperations", ["status", "type", "pageSize", "continuation"], ("X-Access-Token", _partnerToken)),
            ("api/staff/filings", ["status", "direction", "pageSize", "continuation"], null),
        };
        var failures = new List<string>();
        var tried = 0;
        foreach (var (path, parameters, header) in queries)
        {
            foreach (var parameter in parameters)
            {
                foreach (var injection in Injections)
                {
                    tried++;
                    var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?{parameter}={Uri.EscapeDataString(injection)}");
                    if (header is { } h) request.Headers.Add(h.Item1, h.Item2);
                    var response = await _runner.Http.SendAsync(request);
                    if ((int)response.StatusCode is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{path}?{parameter}={injection}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
        }

        output.WriteLine($"{tried} injection attempts over {queries.Length} list endpoints");
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried}:\n" + string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public async Task A_list_names_every_bad_query_parameter_in_one_400()
    {
        var lists = new (string Path, string[] Parameters, (string, string)? Header)[]
        {
            ("api/staff/cooperations", ["status", "country", "type", "partnerId", "expiringWithinDays", "pageSize"], null),
            ("api/staff/reminders", ["kind", "writtenSince", "pageSize"], null),
            ($"api/partners/{_partnerId}/cooperations", ["status", "type", "pageSize"], ("X-Access-Token", _partnerToken)),
            ("api/staff/filings", ["status", "direction", "pageSize"], null),
            ("api/staff/applicants", ["enterprise", "pageSize"], null),
            ("api/staff/notices", ["status", "pageSize"], null),
        };
        foreach (var (path, parameters, header) in lists)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path + "?" + string.Join("&", parameters.Select(p => p + "=nonsense")));
            if (header is { } h) request.Headers.Add(h.Item1, h.Item2);
            var problem = await Problems.JsonAsync(await _runner.Http.SendAsync(request), HttpStatusCode.BadRequest);
            Assert.Equal(parameters.Order(), problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        }
    }

    private IEnumerable<WriteEndpoint> WriteEndpoints()
    {
        var none = new HashSet<string>();
        yield return new("staff event create", HttpMethod.Post, "api/staff/events", EventBody("corpus-other"), [], none);
        yield return new("staff event update", HttpMethod.Put, "api/staff/events/corpus-event", EventBody("corpus-event"), ["corpus-event"], none);
        yield return new("registration", HttpMethod.Post, "api/events/corpus-event/registrations", RegistrationBody("second@example.org"), ["corpus-event"], new HashSet<string> { "role", "partnerId" });
        yield return new("confirm", HttpMethod.Post, "api/registrations/confirm", JsonNode.Parse($$"""{"token":"{{_code}}.{{Secrets.NewToken()}}"}""")!.AsObject(), [], none);
        yield return new("partner", HttpMethod.Post, "api/partners", PartnerBody(), [], new HashSet<string> { "nameZh", "website" });
        yield return new("partner verify", HttpMethod.Post, "api/partners/verify", JsonNode.Parse("""{"token":"par_aaaaaaaaaaaaaaaaaaaa.x"}""")!.AsObject(), [], none);
        yield return new("partner status", HttpMethod.Post, $"api/staff/partners/{_partnerId}/status",
            JsonNode.Parse("""{"status":"suspended","note":"Reported as not theirs."}""")!.AsObject(), [_partnerId], none);
        yield return new("cooperation", HttpMethod.Post, $"api/partners/{_partnerId}/cooperations", CooperationBody(), [_partnerId], new HashSet<string> { "zgcPark", "endDate" },
            new Dictionary<string, string> { ["X-Access-Token"] = _partnerToken });
        yield return new("transition", HttpMethod.Post, $"api/staff/cooperations/{_cooperationId}/transitions",
            JsonNode.Parse("""{"to":"under-review","note":"checking","version":1}""")!.AsObject(), [_cooperationId], new HashSet<string> { "note" });
        yield return new("filing", HttpMethod.Post, "api/filings", Filings.FilingSamples.Body(), [], none, new Dictionary<string, string> { ["X-Access-Token"] = _applicant.Token });
        yield return new("applicant", HttpMethod.Post, "api/applicants", JsonNode.Parse($$"""{"name":"Example Co.","uscc":"{{Filings.FilingSamples.PublishedUsccs[2]}}","contactEmail":"a@example.org","contactName":"王芳","privacyNoticeVersion":"{{Privacy.Consent.Version}}"}""")!.AsObject(), [], none);
        yield return new("applicant verify", HttpMethod.Post, "api/applicants/verify", JsonNode.Parse("""{"token":"apl_aaaaaaaaaaaaaaaaaaaa.x"}""")!.AsObject(), [], none);
        yield return new("enterprise check", HttpMethod.Post, $"api/staff/applicants/{_applicant.ApplicantId}/verification",
            JsonNode.Parse("""{"decision":"approve","note":"Licence checked."}""")!.AsObject(), [_applicant.ApplicantId], none);
        yield return new("filing void", HttpMethod.Post, $"api/staff/filings/{_filingId}/void", JsonNode.Parse("""{"note":"Forged contract."}""")!.AsObject(), [_filingId], none);
        yield return new("ask", HttpMethod.Post, "api/ask", JsonNode.Parse("""{"question":"Who prepares the Zhongguancun Forum?"}""")!.AsObject(), [], none);
        yield return new("filing decision", HttpMethod.Post, $"api/staff/filings/{_filingId}/decision",
            JsonNode.Parse("""{"decision":"approve","note":"Reviewed with the S&T department."}""")!.AsObject(), [_filingId], new HashSet<string> { "note" });
    }

    private IEnumerable<BadRequestCase> HeaderCases()
    {
        var body = RegistrationBody("third@example.org").ToJsonString();
        var noHeaders = new Dictionary<string, string>();
        yield return new("registration", "Idempotency-Key over 200 characters", HttpMethod.Post, "api/events/corpus-event/registrations", body, "application/json",
            new Dictionary<string, string> { ["Idempotency-Key"] = new string('k', 201) });
        yield return new("registration", "Idempotency-Key under 16 characters", HttpMethod.Post, "api/events/corpus-event/registrations", body, "application/json",
            new Dictionary<string, string> { ["Idempotency-Key"] = "retry-1" });
        yield return new("cooperation", "another partner's token", HttpMethod.Post, $"api/partners/{_partnerId}/cooperations", CooperationBody().ToJsonString(), "application/json",
            new Dictionary<string, string> { ["X-Access-Token"] = Secrets.NewToken() });
        yield return new("cooperation", "no token", HttpMethod.Post, $"api/partners/{_partnerId}/cooperations", CooperationBody().ToJsonString(), "application/json", noHeaders);
        yield return new("cancel", "wrong manage token", HttpMethod.Delete, $"api/registrations/{_code}", null, null,
            new Dictionary<string, string> { ["X-Manage-Token"] = Secrets.NewToken() });
        yield return new("cancel", "no manage token", HttpMethod.Delete, $"api/registrations/{_code}", null, null, noHeaders);
        foreach (var id in BadInputCorpus.KeyBreakingIds)
        {
            yield return new("check-in", $"route id {id}", HttpMethod.Post, $"api/staff/registrations/{id}/check-in", null, null, noHeaders);
            yield return new("cancel", $"route id {id}", HttpMethod.Delete, $"api/registrations/{id}", null, null, new Dictionary<string, string> { ["X-Manage-Token"] = "x" });
        }
    }

    private async Task<JsonElement> PostAsync(string path, JsonObject body, (string Name, string Value)? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Problems.Json(body.ToJsonString()) };
        if (header is { } h) request.Headers.Add(h.Name, h.Value);
        var response = await _runner.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonObject EventBody(string eventId) => JsonNode.Parse($$"""
        {"eventId":"{{eventId}}","title":"Corpus Forum","track":"parallel-forum","startsAt":"2027-03-25T09:00:00+08:00","endsAt":"2027-03-25T17:00:00+08:00",
         "venue":"Zhongguancun International Innovation Center","languages":["zh","en"],"capacity":50,
         "registrationOpensAt":"2026-01-01T09:00:00+08:00","registrationClosesAt":"2027-03-20T18:00:00+08:00","status":"published"}
        """)!.AsObject();

    private static JsonObject RegistrationBody(string email = "first@example.org") => JsonNode.Parse($$"""
        {"name":"Ada Lovelace","email":"{{email}}","organization":"Analytical Engines Ltd","country":"GB","role":"speaker","partnerId":null,"privacyNoticeVersion":"{{Privacy.Consent.Version}}"}
        """)!.AsObject();

    private static JsonObject PartnerBody() => JsonNode.Parse($$"""
        {"name":"Technische Universität Berlin","nameZh":"柏林工业大学","country":"DE","type":"university","website":"https://www.tu.berlin","contactEmail":"intl@tu-berlin.example","privacyNoticeVersion":"{{Privacy.Consent.Version}}"}
        """)!.AsObject();

    private static JsonObject CooperationBody() => JsonNode.Parse("""
        {"title":"Joint laboratory for quantum sensing","type":"joint-laboratory","fields":["quantum","sensing"],"zgcPark":null,"startDate":"2026-09-01","endDate":"2029-08-31","description":"A joint laboratory in Haidian."}
        """)!.AsObject();
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Filings;

/// <summary>Filings end to end over HTTP through the local runner (queue processing included).</summary>
public sealed class FilingHttpTests
{
    [Fact]
    public async Task A_free_filing_awaits_registration_and_gets_its_certificate_number_only_when_staff_approve()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.SharedAsync(http, FilingSamples.PublishedUsccs[0]);
        var response = await ApplicantApi.FileAsync(http, applicant, FilingSamples.Body());
        var accepted = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        var id = accepted.GetProperty("filingId").GetString()!;
        Assert.Matches("^fil_[a-z2-7]{20}$", id);
        Assert.Equal("submitted", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/filings/{id}", accepted.GetProperty("statusUrl").GetString());
        Assert.Equal($"/api/filings/{id}", response.Headers.Location?.OriginalString);

        var token = accepted.GetProperty("accessToken").GetString()!;
        var filing = await FilingSamples.WaitProcessedAsync(http, id, token);
        Assert.Equal("awaiting-registration", filing.GetProperty("status").GetString());
        Assert.False(filing.TryGetProperty("certificateNumber", out _));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", filing.GetProperty("decisionDueBy").GetString());
        Assert.Contains("3 working days", filing.GetProperty("decisionDueNote").GetString());
        var screening = filing.GetProperty("screening");
        Assert.Equal("free", screening.GetProperty("control").GetString());
        Assert.Equal("2025-07-15 excerpt", screening.GetProperty("catalogueVersion").GetString());
        Assert.Equal(0, screening.GetProperty("matches").GetArrayLength());
        Assert.Equal("know-how-licence", filing.GetProperty("filing").GetProperty("contract").GetProperty("type").GetString());

        var approved = await FilingSamples.DecideAsync(http, id);
        Assert.Equal("registered", approved.GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}-E-\d{6}$", approved.GetProperty("certificateNumber").GetString());
        var seen = await FilingSamples.GetAsync(http, id, token);
        Assert.Equal(["submitted", "screening", "awaiting-registration", "registered"], seen.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        // The applicant sees the role, not the staff member's name.
        Assert.Equal("commission staff", seen.GetProperty("history")[3].GetProperty("actor").GetString());
        Assert.Equal(applicant.ApplicantId, seen.GetProperty("applicantId").GetString());
    }

    [Fact]
    public async Task A_prohibited_match_goes_to_review_flagged_likely_prohibited_and_staff_reject_it_with_the_item()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.VerifiedAsync(http);
        var body = FilingSamples.Body(description: "基因编辑 platform for human cell cloning", uscc: applicant.Uscc);
        var (id, token) = await FilingSamples.SubmitAsync(http, body, applicant);
        var filing = await FilingSamples.WaitProcessedAsync(http, id, token);
        Assert.Equal("review-required", filing.GetProperty("status").GetString());
        Assert.True(filing.GetProperty("likelyProhibited").GetBoolean());
        Assert.False(filing.TryGetProperty("certificateNumber", out _));
        var match = filing.GetProperty("screening").GetProperty("matches")[0];
        Assert.Equal("EXP-P-01", match.GetProperty("itemId").GetString());
        Assert.Equal("prohibited", match.GetProperty("control").GetString());
        // The applicant sees the item, not the keyword list that matched; staff see both.
        Assert.False(match.TryGetProperty("matchedTerms", out _));
        var staffView = await Problems.JsonAsync(await http.GetAsync($"api/staff/filings/{id}"), HttpStatusCode.OK);
        Assert.True(staffView.GetProperty("screening").GetProperty("matches")[0].GetProperty("matchedTerms").GetArrayLength() > 0);
        Assert.Contains("Human cell cloning and gene editing technology", filing.GetProperty("history")[2].GetProperty("note").GetString());

        var rejected = await FilingSamples.DecideAsync(http, id, "reject", "Prohibited: EXP-P-01 Human cell cloning and gene editing technology.");
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.False(rejected.TryGetProperty("certificateNumber", out _));

        // The guard was released: the corrected filing of the same contract goes in.
        body["technology"]!["description"] = FilingSamples.FreeDescription;
        await FilingSamples.SubmitAsync(http, body, applicant);
    }

    [Fact]
    public async Task A_restricted_filing_awaits_review_and_staff_decide_it_once()
    {
        var http = await SharedRunner.ClientAsync();
        var (id, token) = await FilingSamples.SubmitAsync(http, FilingSamples.Body(direction: "import", description: "Cyanide electroplating line know-how."));
        var filing = await FilingSamples.WaitProcessedAsync(http, id, token);
        Assert.Equal("review-required", filing.GetProperty("status").GetString());
        Assert.Contains("30 + 10", filing.GetProperty("decisionDueNote").GetString());

        Assert.False(filing.GetProperty("likelyProhibited").GetBoolean());
        var approve = await http.PostAsync($"api/staff/filings/{id}/decision", Problems.Json("""{"decision":"approve","note":"Licence conditions checked."}"""));
        var decided = await Problems.JsonAsync(approve, HttpStatusCode.OK);
        Assert.Equal("registered", decided.GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}-I-\d{6}$", decided.GetProperty("certificateNumber").GetString());

        var second = await http.PostAsync($"api/staff/filings/{id}/decision", Problems.Json("""{"decision":"reject","note":"Too late."}"""));
        await Problems.AssertProblemAsync(second, HttpStatusCode.Conflict);
        var unknownDecision = await http.PostAsync($"api/staff/filings/{id}/decision", Problems.Json("""{"decision":"maybe"}"""));
        await Problems.AssertProblemAsync(unknownDecision, HttpStatusCode.BadRequest);
        var noFiling = await http.PostAsync("api/staff/filings/fil_aaaaaaaaaaaaaaaaaaaa/decision", Problems.Json("""{"decision":"approve"}"""));
        await Problems.AssertProblemAsync(noFiling, HttpStatusCode.NotFound);

        Assert.Equal("registered", (await FilingSamples.GetAsync(http, id, token)).GetProperty("status").GetString());
    }

    [SkippableTheory]
    [InlineData("domesticParty.uscc", "uscc", "91110108551385082R")]
    [InlineData("value.currency", "currency", "ABC")]
    [InlineData("value.amount", "amount", "-1")]
    [InlineData("value.amount", "amount", "12345678901234567")]
    [InlineData("contract.signedOn", "signedOn", "2999-01-01")]
    [InlineData("contract.number", "number", "")]
    public async Task Bad_input_is_a_400_with_field_errors_and_stores_nothing(string field, string property, string value)
    {
        var http = await SharedRunner.ClientAsync();
        var body = FilingSamples.Body();
        var part = field.Split('.')[0];
        body[part]![property] = property == "amount" ? JsonValue.Create(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(value);

        var applicant = await ApplicantApi.SharedAsync(http, FilingSamples.PublishedUsccs[0]);
        var problem = await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, applicant, body), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());

        Skip.If(SharedRunner.App is null, "FORUMCLOUD_BASE_URL is set: against an external app the store is not ours to read.");
        var number = body["contract"]!["number"]!.GetValue<string>();
        var table = (await SharedAzurite.StorageAsync()).Table(TableNames.Filings);
        var stored = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"filing"}"), select: ["Details"])
            .CountAsync(e => number.Length > 0 && (e.GetString("Details") ?? "").Contains(number, StringComparison.Ordinal));
        Assert.Equal(0, stored);
    }

    [Theory]
    [InlineData("""{"direction":"sideways"}""")]
    [InlineData("""{"direction":"export","contract":{"type":"franchise"}}""")]
    [InlineData("""{"direction":"export","colour":"blue"}""")]
    [InlineData("""{"direction":"export","value":{"amount":"100","currency":"EUR"}}""")]
    public async Task Unknown_enum_values_unknown_fields_and_wrong_types_are_400(string json)
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.SharedAsync(http, FilingSamples.PublishedUsccs[0]);
        await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, applicant, JsonNode.Parse(json)!), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Missing_parts_are_each_named()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.SharedAsync(http, FilingSamples.PublishedUsccs[0]);
        var problem = await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, applicant, JsonNode.Parse("""{"direction":"export"}""")!), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var part in new[] { "contract", "domesticParty", "foreignParty", "technology", "value", "paymentMethod" }) Assert.True(errors.TryGetProperty(part, out _), part);
    }

    [Fact]
    public async Task The_same_contract_filed_twice_in_one_direction_is_409_but_the_other_direction_is_accepted()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.VerifiedAsync(http);
        var uscc = applicant.Uscc;
        var number = Unique.Slug("C");
        await FilingSamples.SubmitAsync(http, FilingSamples.Body(contractNumber: number, uscc: uscc), applicant);

        await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, applicant, FilingSamples.Body(contractNumber: number, uscc: uscc)), HttpStatusCode.Conflict);
        await FilingSamples.SubmitAsync(http, FilingSamples.Body(direction: "import", contractNumber: number, uscc: uscc), applicant);
    }

    [Fact]
    public async Task Concurrent_duplicates_let_exactly_one_through()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.VerifiedAsync(http);
        var body = FilingSamples.Body(uscc: applicant.Uscc);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ApplicantApi.FileAsync(http, applicant, body)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_wrong_or_missing_token_or_malformed_id_is_404()
    {
        var http = await SharedRunner.ClientAsync();
        var (id, _) = await FilingSamples.SubmitAsync(http, FilingSamples.Body());

        using var wrong = new HttpRequestMessage(HttpMethod.Get, $"api/filings/{id}");
        wrong.Headers.Add("X-Access-Token", "not-the-token");
        await Problems.AssertProblemAsync(await http.SendAsync(wrong), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await http.GetAsync($"api/filings/{id}"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await http.GetAsync("api/filings/fil_'or'1'='1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Staff_list_filings_by_status_and_direction_page_by_page()
    {
        var http = await SharedRunner.ClientAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, token) = await FilingSamples.SubmitAsync(http, FilingSamples.Body(direction: "import", description: "Mercury cell electrolysis for caustic soda"));
            await FilingSamples.WaitProcessedAsync(http, id, token);
            await FilingSamples.DecideAsync(http, id, "reject", "Prohibited import technology.");
            ids.Add(id);
        }

        var seen = new List<JsonElement>();
        string? continuation = null;
        for (var page = 0; page < 500 && !ids.All(id => seen.Any(s => s.GetProperty("filingId").GetString() == id)); page++)
        {
            var url = "api/staff/filings?status=rejected&direction=import&pageSize=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var body = await Problems.JsonAsync(await http.GetAsync(url), HttpStatusCode.OK);
            var items = body.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            seen.AddRange(items);
            continuation = body.GetProperty("continuation").GetString();
            if (continuation is null) break;
        }

        Assert.All(ids, id => Assert.Contains(seen, s => s.GetProperty("filingId").GetString() == id));
        Assert.All(seen, s => Assert.Equal(("rejected", "import"), (s.GetProperty("status").GetString(), s.GetProperty("direction").GetString())));

        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/filings?status=lost"), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/filings?continuation=bogus"), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/filings?pageSize=0"), HttpStatusCode.BadRequest);

        var staffView = await Problems.JsonAsync(await http.GetAsync($"api/staff/filings/{ids[0]}"), HttpStatusCode.OK);
        Assert.Equal("rejected", staffView.GetProperty("status").GetString());
    }
}

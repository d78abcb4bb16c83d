using System.Net;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>Partner registration, region categories, access tokens and their isolation, over HTTP.</summary>
public sealed class PartnerHttpTests
{
    [Theory]
    [InlineData("DE", "foreign")]
    [InlineData("us", "foreign")]
    [InlineData("HK", "hong-kong-macao-taiwan")]
    [InlineData("MO", "hong-kong-macao-taiwan")]
    [InlineData("TW", "hong-kong-macao-taiwan")]
    public async Task Registration_answers_202_with_id_and_region_category_and_the_mailed_link_gives_the_token(string country, string category)
    {
        var http = await SharedRunner.ClientAsync();
        var email = TestMailbox.Address("intl");
        var response = await http.PostAsync("api/partners", PartnerApi.Body(new
        {
            name = "  Technische Universität München ",
            country,
            type = "research-institute",
            contactEmail = email,
            privacyNoticeVersion = Privacy.Consent.Version,
        }));

        var body = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        var id = body.GetProperty("partnerId").GetString()!;
        Assert.Matches("^par_[a-z2-7]{20}$", id);
        Assert.Equal(category, body.GetProperty("regionCategory").GetString());
        Assert.Equal("pending-verification", body.GetProperty("status").GetString());
        Assert.Equal($"/api/partners/{id}", response.Headers.Location?.ToString());

        var link = await PartnerApi.LinkTokenAsync(email, "/api/partners/verify");
        var verified = await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.OK);
        var read = await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{id}", verified.GetProperty("accessToken").GetString()), HttpStatusCode.OK);
        Assert.Equal("active", read.GetProperty("status").GetString());
        Assert.Equal("Technische Universität München", read.GetProperty("name").GetString());
        Assert.Equal(country.ToUpperInvariant(), read.GetProperty("country").GetString());
        Assert.Equal(category, read.GetProperty("regionCategory").GetString());
        Assert.Equal("research-institute", read.GetProperty("type").GetString());
        Assert.False(read.TryGetProperty("accessToken", out _));
        Assert.False(read.TryGetProperty("accessTokenHash", out _));
    }

    [Fact]
    public async Task A_mainland_partner_is_refused_with_422_saying_what_the_registry_is_for()
    {
        var http = await SharedRunner.ClientAsync();
        var response = await http.PostAsync("api/partners", PartnerApi.Body(new { name = "Some Beijing Lab", country = "CN", type = "enterprise", contactEmail = "a@example.cn" }));

        var problem = await Problems.AssertProblemAsync(response, (HttpStatusCode)422);
        Assert.Equal("mainland", problem.GetProperty("regionCategory").GetString());
        Assert.Contains("Hong Kong, Macao and Taiwan", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("country", out _));
    }

    [Fact]
    public async Task A_partner_is_404_without_its_token_with_a_wrong_one_and_with_another_partners_while_staff_read_it()
    {
        var http = await SharedRunner.ClientAsync();
        var (a, tokenA) = await PartnerApi.RegisterAsync(http, "GB");
        var (b, tokenB) = await PartnerApi.RegisterAsync(http, "KR");

        await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}", tokenA), HttpStatusCode.OK);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}", null), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}", tokenB), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}", tokenA + "x"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, "api/partners/par_" + new string('q', 20), tokenA), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, "api/partners/not-an-id", tokenA), HttpStatusCode.NotFound);

        var staff = await Problems.JsonAsync(await http.GetAsync($"api/staff/partners/{b}"), HttpStatusCode.OK);
        Assert.Equal(b, staff.GetProperty("partnerId").GetString());
        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/partners/par_" + new string('q', 20)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cooperation_opens_only_with_its_partners_token_and_another_partner_cannot_record_one_for_it()
    {
        var http = await SharedRunner.ClientAsync();
        var (a, tokenA) = await PartnerApi.RegisterAsync(http, "AU");
        var (_, tokenB) = await PartnerApi.RegisterAsync(http, "NZ");
        var id = await PartnerApi.CreateCooperationAsync(http, a, tokenA);

        var own = await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/cooperations/{id}", tokenA), HttpStatusCode.OK);
        Assert.Equal(id, own.GetProperty("cooperationId").GetString());
        Assert.Equal(a, own.GetProperty("partnerId").GetString());
        Assert.Equal("AU", own.GetProperty("country").GetString());
        Assert.Equal("foreign", own.GetProperty("regionCategory").GetString());
        Assert.Equal("proposed", own.GetProperty("status").GetString());
        Assert.Equal(1, own.GetProperty("version").GetInt32());
        Assert.Equal(1, own.GetProperty("history").GetArrayLength());
        Assert.Equal($"partner:{a}", own.GetProperty("history")[0].GetProperty("actor").GetString());

        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/cooperations/{id}", tokenB), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/cooperations/{id}", null), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.PostCooperationAsync(http, a, tokenB, PartnerApi.Cooperation()), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.PostCooperationAsync(http, a, null, PartnerApi.Cooperation()), HttpStatusCode.NotFound);

        var staff = await PartnerApi.StaffGetAsync(http, id);
        Assert.Equal(own.GetRawText(), staff.GetRawText());
    }

    [Fact]
    public async Task A_new_cooperation_answers_201_proposed_version_1_with_a_location_and_keeps_what_was_sent()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "TW");
        var response = await PartnerApi.PostCooperationAsync(http, partnerId, token, new
        {
            title = "Semiconductor talent exchange",
            type = "talent-exchange",
            fields = new[] { "semiconductors", "Semiconductors", "EDA" },
            startDate = "2026-03-01",
            endDate = "2026-03-01",
            description = "Visiting engineers.",
        });

        var created = await Problems.JsonAsync(response, HttpStatusCode.Created);
        var id = created.GetProperty("cooperationId").GetString()!;
        Assert.Matches("^coo_[a-z2-7]{20}$", id);
        Assert.Equal("proposed", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal($"/api/cooperations/{id}", response.Headers.Location?.ToString());

        var record = await PartnerApi.StaffGetAsync(http, id);
        Assert.Equal("hong-kong-macao-taiwan", record.GetProperty("regionCategory").GetString());
        Assert.Equal(["semiconductors", "EDA"], record.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("2026-03-01", record.GetProperty("startDate").GetString());
        Assert.Equal("2026-03-01", record.GetProperty("endDate").GetString());
        Assert.False(record.TryGetProperty("zgcPark", out _));
    }

    [Fact]
    public async Task A_partner_lists_only_its_own_records_and_only_with_its_token()
    {
        var http = await SharedRunner.ClientAsync();
        var (a, tokenA) = await PartnerApi.RegisterAsync(http, "IE");
        var (b, tokenB) = await PartnerApi.RegisterAsync(http, "IE");
        var ownIds = new List<string>();
        for (var i = 0; i < 3; i++) ownIds.Add(await PartnerApi.CreateCooperationAsync(http, a, tokenA));
        var otherId = await PartnerApi.CreateCooperationAsync(http, b, tokenB);
        await PartnerApi.WalkAsync(http, ownIds[0], ["under-review"]);

        var listed = new List<string>();
        string? continuation = null;
        do
        {
            var page = await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http,
                $"api/partners/{a}/cooperations?pageSize=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)), tokenA), HttpStatusCode.OK);
            listed.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("cooperationId").GetString()!));
            continuation = page.GetProperty("continuation").ValueKind == System.Text.Json.JsonValueKind.Null ? null : page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        Assert.Equal(ownIds.Order(), listed.Order());
        Assert.DoesNotContain(otherId, listed);

        var underReview = await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}/cooperations?status=under-review", tokenA), HttpStatusCode.OK);
        Assert.Equal([ownIds[0]], underReview.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("cooperationId").GetString()));

        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}/cooperations", tokenB), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}/cooperations", null), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{a}/cooperations?status=nope", tokenA), HttpStatusCode.BadRequest);
    }
}

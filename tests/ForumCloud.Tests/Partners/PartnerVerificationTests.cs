using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>
/// Partner verification by the emailed link (valid, reused, expired, wrong) and staff suspension, over HTTP with
/// real mail (the test SMTP server) and real storage (Azurite).
/// </summary>
public sealed class PartnerVerificationTests
{
    [Fact]
    public async Task Before_verification_the_partner_has_no_token_and_nothing_can_be_done_in_its_name()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, _) = await PartnerApi.RegisterPendingAsync(http, "FR");

        var storage = await SharedAzurite.StorageAsync();
        var row = (await storage.Table(TableNames.Partners).GetEntityAsync<TableEntity>(partnerId, "partner")).Value;
        Assert.Null(row.GetString("AccessTokenHash"));
        Assert.Equal("pending-verification", row.GetString("Status"));

        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", "anything"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.PostCooperationAsync(http, partnerId, "anything", PartnerApi.Cooperation()), HttpStatusCode.NotFound);
        var staff = await Problems.JsonAsync(await http.GetAsync($"api/staff/partners/{partnerId}"), HttpStatusCode.OK);
        Assert.Equal("pending-verification", staff.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_valid_link_gives_the_token_once_and_a_reused_link_is_410_Gone()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, link) = await PartnerApi.RegisterPendingAsync(http, "ES");

        var verified = await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.OK);
        Assert.Equal(partnerId, verified.GetProperty("partnerId").GetString());
        var token = verified.GetProperty("accessToken").GetString()!;
        await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), HttpStatusCode.OK);

        var again = await Problems.AssertProblemAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.Gone);
        Assert.Contains("already been used", again.GetProperty("title").GetString());
        // The first token still works: the reuse changed nothing.
        await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_expired_link_is_410_Gone_and_leaves_the_partner_pending()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, link) = await PartnerApi.RegisterPendingAsync(http, "IT");
        var table = (await SharedAzurite.StorageAsync()).Table(TableNames.Partners);
        // 24 hours pass: the stored expiry moves into the past.
        await table.UpdateEntityAsync(new TableEntity(partnerId, "partner") { ["VerificationExpiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1) }, Azure.ETag.All, TableUpdateMode.Merge);

        var problem = await Problems.AssertProblemAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.Gone);
        Assert.Contains("expired", problem.GetProperty("title").GetString());
        var row = (await table.GetEntityAsync<TableEntity>(partnerId, "partner")).Value;
        Assert.Equal("pending-verification", row.GetString("Status"));
        Assert.Null(row.GetString("AccessTokenHash"));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("par_aaaaaaaaaaaaaaaaaaaa.xyz")]
    [InlineData("WRONG_SECRET")]
    public async Task A_wrong_token_is_400_and_changes_nothing(string presented)
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, link) = await PartnerApi.RegisterPendingAsync(http, "PT");
        var token = presented == "WRONG_SECRET" ? partnerId + "." + Secrets.NewToken() : presented;

        var problem = await Problems.AssertProblemAsync(await PartnerApi.VerifyAsync(http, token), HttpStatusCode.BadRequest);
        Assert.DoesNotContain("Exception", problem.ToString());
        // The right link still works afterwards.
        await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_verify_body_without_a_token_is_400_with_the_field()
    {
        var http = await SharedRunner.ClientAsync();
        var problem = await Problems.AssertProblemAsync(await http.PostAsync("api/partners/verify", PartnerApi.Body(new { })), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("token", out _));
    }

    [Fact]
    public async Task The_link_page_is_a_get_that_changes_nothing_with_one_confirm_button()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, link) = await PartnerApi.RegisterPendingAsync(http, "GR");

        var page = await http.GetAsync("api/partners/verify");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<button"));
        Assert.Contains("/api/partners/verify", html);

        // Following the link did not verify: the token still works once.
        await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.OK);
        Assert.Equal(partnerId, VerificationLinks.SubjectOf(link));
    }

    [Fact]
    public async Task Staff_suspend_a_partner_whose_token_then_gets_403_and_reinstate_it()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "SE");
        var cooperationId = await PartnerApi.CreateCooperationAsync(http, partnerId, token);

        var missingNote = await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/partners/{partnerId}/status", PartnerApi.Body(new { status = "suspended" })), HttpStatusCode.BadRequest);
        Assert.True(missingNote.GetProperty("errors").TryGetProperty("note", out _));

        var suspended = await Problems.JsonAsync(await http.PostAsync($"api/staff/partners/{partnerId}/status", PartnerApi.Body(new { status = "suspended", note = "Contact reported the registration as not theirs." })), HttpStatusCode.OK);
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());

        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await PartnerApi.PostCooperationAsync(http, partnerId, token, PartnerApi.Cooperation()), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/cooperations/{cooperationId}", token), HttpStatusCode.Forbidden);
        // A wrong token for a suspended partner is still only "unknown" (404): the 403 tells nothing to strangers.
        await Problems.AssertProblemAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", "wrong"), HttpStatusCode.NotFound);

        await Problems.JsonAsync(await http.PostAsync($"api/staff/partners/{partnerId}/status", PartnerApi.Body(new { status = "active", note = "Confirmed by phone." })), HttpStatusCode.OK);
        var read = await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), HttpStatusCode.OK);
        Assert.Equal("active", read.GetProperty("status").GetString());
        // The partner sees why, not which staff member; staff see who.
        Assert.True(!read.TryGetProperty("statusChangedBy", out var by) || by.ValueKind == JsonValueKind.Null);
        var staff = await Problems.JsonAsync(await http.GetAsync($"api/staff/partners/{partnerId}"), HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(staff.GetProperty("statusChangedBy").GetString()));
    }

    [Fact]
    public async Task A_pending_partner_cannot_be_suspended()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, _) = await PartnerApi.RegisterPendingAsync(http, "DK");
        await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/partners/{partnerId}/status", PartnerApi.Body(new { status = "suspended", note = "x" })), HttpStatusCode.Conflict);
    }
}

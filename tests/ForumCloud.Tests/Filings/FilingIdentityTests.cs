using System.Net;
using System.Text.Json;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Partners;

namespace ForumCloud.Tests.Filings;

/// <summary>
/// Issue 12's filing attacks, over HTTP with real mail and storage: filing without a verified applicant, for another
/// company, squatting a competitor's contract number; applicant verification; staff decisions and void.
/// </summary>
public sealed class FilingIdentityTests
{
    [Fact]
    public async Task Applicant_verification_valid_reused_expired_and_wrong()
    {
        var http = await SharedRunner.ClientAsync();
        var (applicantId, link) = await ApplicantApi.RegisterPendingAsync(http, FilingSamples.RandomUscc());
        await Problems.AssertProblemAsync(await PartnerApi.VerifyAsync(http, applicantId + "." + Secrets.NewToken(), "api/applicants/verify"), HttpStatusCode.BadRequest);

        var verified = await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link, "api/applicants/verify"), HttpStatusCode.OK);
        Assert.Equal(applicantId, verified.GetProperty("applicantId").GetString());
        Assert.StartsWith(applicantId + ".", verified.GetProperty("accessToken").GetString());
        await Problems.AssertProblemAsync(await PartnerApi.VerifyAsync(http, link, "api/applicants/verify"), HttpStatusCode.Gone);

        var (expiredId, expiredLink) = await ApplicantApi.RegisterPendingAsync(http, FilingSamples.RandomUscc());
        var table = (await SharedAzurite.StorageAsync()).Table(TableNames.Applicants);
        await table.UpdateEntityAsync(new Azure.Data.Tables.TableEntity(expiredId, "applicant") { ["VerificationExpiresAt"] = DateTimeOffset.UtcNow.AddSeconds(-1) }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        var gone = await Problems.AssertProblemAsync(await PartnerApi.VerifyAsync(http, expiredLink, "api/applicants/verify"), HttpStatusCode.Gone);
        Assert.Contains("expired", gone.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_filing_without_a_verified_applicants_token_is_403_and_stores_nothing()
    {
        var http = await SharedRunner.ClientAsync();
        var uscc = FilingSamples.RandomUscc();
        var body = FilingSamples.Body(uscc: uscc);
        var (pendingId, _) = await ApplicantApi.RegisterPendingAsync(http, uscc);

        await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, null, body), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, new TestApplicant(pendingId, pendingId + "." + Secrets.NewToken(), uscc), body), HttpStatusCode.Forbidden);
        await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, new TestApplicant("x", "not-a-token", uscc), body), HttpStatusCode.Forbidden);

        var number = body["contract"]!["number"]!.GetValue<string>();
        var table = (await SharedAzurite.StorageAsync()).Table(TableNames.Filings);
        var stored = await table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["Details"]).CountAsync(e => (e.GetString("Details") ?? "").Contains(number, StringComparison.Ordinal));
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task A_filing_for_another_companys_uscc_is_422()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.VerifiedAsync(http);
        var problem = await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, applicant, FilingSamples.Body(uscc: FilingSamples.PublishedUsccs[1])), (HttpStatusCode)422);
        Assert.True(problem.GetProperty("errors").TryGetProperty("domesticParty.uscc", out _));
    }

    [Fact]
    public async Task A_stranger_filing_a_competitors_contract_number_does_not_block_the_competitor()
    {
        var http = await SharedRunner.ClientAsync();
        var uscc = FilingSamples.RandomUscc();
        var squatter = await ApplicantApi.VerifiedAsync(http, uscc);
        var owner = await ApplicantApi.VerifiedAsync(http, uscc, approve: true);
        var number = Unique.Slug("C");

        await FilingSamples.SubmitAsync(http, FilingSamples.Body(contractNumber: number, uscc: uscc), squatter);
        await FilingSamples.SubmitAsync(http, FilingSamples.Body(contractNumber: number, uscc: uscc), owner);
    }

    [Fact]
    public async Task Staff_check_an_enterprise_once_and_a_rejected_enterprise_cannot_file()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.VerifiedAsync(http);
        var missingNote = await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/applicants/{applicant.ApplicantId}/verification", PartnerApi.Body(new { decision = "reject" })), HttpStatusCode.BadRequest);
        Assert.True(missingNote.GetProperty("errors").TryGetProperty("note", out _));

        var rejected = await Problems.JsonAsync(await http.PostAsync($"api/staff/applicants/{applicant.ApplicantId}/verification",
            PartnerApi.Body(new { decision = "reject", note = "No such company in the SAMR register." })), HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.GetProperty("enterprise").GetString());
        await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/applicants/{applicant.ApplicantId}/verification",
            PartnerApi.Body(new { decision = "approve", note = "Changed my mind." })), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await ApplicantApi.FileAsync(http, applicant, FilingSamples.Body(uscc: applicant.Uscc)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Staff_void_a_certificate_the_number_is_not_reused_and_the_guard_is_released()
    {
        var http = await SharedRunner.ClientAsync();
        var applicant = await ApplicantApi.VerifiedAsync(http);
        var body = FilingSamples.Body(uscc: applicant.Uscc);
        var (id, token) = await FilingSamples.SubmitAsync(http, body, applicant);
        await FilingSamples.WaitProcessedAsync(http, id, token);
        await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/filings/{id}/void", PartnerApi.Body(new { note = "Not registered yet." })), HttpStatusCode.Conflict);
        var number = (await FilingSamples.DecideAsync(http, id)).GetProperty("certificateNumber").GetString()!;

        await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/filings/{id}/void", PartnerApi.Body(new { })), HttpStatusCode.BadRequest);
        var voided = await Problems.JsonAsync(await http.PostAsync($"api/staff/filings/{id}/void", PartnerApi.Body(new { note = "The contract was found to be forged." })), HttpStatusCode.OK);
        Assert.Equal("voided", voided.GetProperty("status").GetString());
        Assert.Equal("The contract was found to be forged.", voided.GetProperty("voidReason").GetString());
        Assert.Equal(number, voided.GetProperty("certificateNumber").GetString());
        var last = voided.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("voided", last.GetProperty("status").GetString());
        Assert.NotEqual("commission staff", last.GetProperty("actor").GetString()); // staff see who
        Assert.Equal(JsonValueKind.String, last.GetProperty("at").ValueKind);
        var seen = await FilingSamples.GetAsync(http, id, token);
        Assert.Equal("commission staff", seen.GetProperty("history").EnumerateArray().Last().GetProperty("actor").GetString());
        await Problems.AssertProblemAsync(await http.PostAsync($"api/staff/filings/{id}/void", PartnerApi.Body(new { note = "Again." })), HttpStatusCode.Conflict);

        // A corrected filing of the same contract goes in and, approved, gets a new number.
        var (again, againToken) = await FilingSamples.SubmitAsync(http, body, applicant);
        await FilingSamples.WaitProcessedAsync(http, again, againToken);
        var second = (await FilingSamples.DecideAsync(http, again)).GetProperty("certificateNumber").GetString()!;
        Assert.NotEqual(number, second);
    }
}

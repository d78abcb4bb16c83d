using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>
/// The verification page in real Chromium, opened with the link from the real mail: it changes nothing until Confirm
/// is pressed, then shows the access token once, and that token opens the partner; the same link again says it was used.
/// </summary>
public sealed class VerifyPageBrowserTests
{
    [SkippableFact]
    public async Task The_mailed_link_opens_a_page_whose_Confirm_button_verifies_the_partner_once()
    {
        var browserPath = HeadlessChromium.PathOrNull;
        Skip.If(browserPath is null, HeadlessChromium.Missing);
        var http = await SharedRunner.ClientAsync();
        var (partnerId, link) = await PartnerApi.RegisterPendingAsync(http, "NL");
        var pageUrl = new Uri(http.BaseAddress!, "/api/partners/verify#token=" + Uri.EscapeDataString(link));

        await using var chromium = await HeadlessChromium.StartAsync(browserPath!);
        await chromium.NavigateAsync(pageUrl);
        await chromium.Session.WaitForAsync("!!document.getElementById('confirm')", TimeSpan.FromSeconds(30));
        // Opening the page verified nothing: the partner is still pending.
        var pending = await Problems.JsonAsync(await http.GetAsync($"api/staff/partners/{partnerId}"), System.Net.HttpStatusCode.OK);
        Assert.Equal("pending-verification", pending.GetProperty("status").GetString());

        await chromium.Session.EvaluateAsync("document.getElementById('confirm').click(); true");
        var token = await chromium.Session.WaitForAsync("(document.getElementById('access-token') || {}).textContent || ''", TimeSpan.FromSeconds(30));
        await Problems.JsonAsync(await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", token), System.Net.HttpStatusCode.OK);

        // The same link again: the page reports it was used.
        await chromium.NavigateAsync(new Uri(http.BaseAddress!, "/api/partners/verify?again=1#token=" + Uri.EscapeDataString(link)));
        await chromium.Session.WaitForAsync("!!document.getElementById('confirm') && location.search === '?again=1'", TimeSpan.FromSeconds(30));
        await chromium.Session.EvaluateAsync("document.getElementById('confirm').click(); true");
        var message = await chromium.Session.WaitForAsync("document.getElementById('result').textContent", TimeSpan.FromSeconds(30));
        Assert.Contains("already been used", message);
    }

    [SkippableFact]
    public async Task The_applicant_link_page_verifies_the_applicant()
    {
        var browserPath = HeadlessChromium.PathOrNull;
        Skip.If(browserPath is null, HeadlessChromium.Missing);
        var http = await SharedRunner.ClientAsync();
        var (applicantId, link) = await ApplicantApi.RegisterPendingAsync(http, FilingSamples.RandomUscc());

        await using var chromium = await HeadlessChromium.StartAsync(browserPath!);
        await chromium.NavigateAsync(new Uri(http.BaseAddress!, "/api/applicants/verify#token=" + Uri.EscapeDataString(link)));
        await chromium.Session.WaitForAsync("!!document.getElementById('confirm')", TimeSpan.FromSeconds(30));
        await chromium.Session.EvaluateAsync("document.getElementById('confirm').click(); true");
        var token = await chromium.Session.WaitForAsync("(document.getElementById('access-token') || {}).textContent || ''", TimeSpan.FromSeconds(30));
        Assert.StartsWith(applicantId + ".", token);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using ForumCloud.Functions.Filings;
using Microsoft.Extensions.Configuration;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Partners;

namespace ForumCloud.Tests.Filings;

/// <summary>A verified filing applicant as tests hold it.</summary>
public sealed record TestApplicant(string ApplicantId, string Token, string Uscc);

/// <summary>Filing applicants as tests drive them: over HTTP with the real mail, or below the HTTP edge through the registry.</summary>
public static class ApplicantApi
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<TestApplicant>>> Shared = new();

    public static object Body(string uscc, string? email = null) => new
    {
        name = "Beijing Example Technology Co., Ltd. 北京示例科技有限公司",
        uscc,
        contactEmail = email ?? TestMailbox.Address("applicant"),
        contactName = "王芳",
        privacyNoticeVersion = Privacy.Consent.Version,
    };

    /// <summary>
    /// POST /api/applicants (202) and the one-time token of the mailed link: from the real mail, or, for a runner
    /// without triggers (nothing delivers its mail), from the outbox row in <paramref name="outbox"/>.
    /// </summary>
    public static async Task<(string ApplicantId, string LinkToken)> RegisterPendingAsync(HttpClient http, string uscc, StorageAccount? outbox = null)
    {
        var email = TestMailbox.Address("applicant");
        var body = await Problems.JsonAsync(await http.PostAsync("api/applicants", PartnerApi.Body(Body(uscc, email))), HttpStatusCode.Accepted);
        Assert.Equal("pending-verification", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("accessToken", out _));
        var applicantId = body.GetProperty("applicantId").GetString()!;
        // The suite's own runners' outbox rows when known: a mail that meets a transient SMTP error under load is
        // retried after a minute, which is the mail tests' business, not every filing test's.
        outbox ??= RunnerStorage.Of(http.BaseAddress);
        var link = outbox is null ? await PartnerApi.LinkTokenAsync(email, "/api/applicants/verify") : await OutboxLinks.TokenAsync(outbox, "applicant-" + applicantId);
        return (applicantId, link);
    }

    /// <summary>A verified applicant for the enterprise (its contact confirmed the mailed link); staff-approved when asked.</summary>
    public static async Task<TestApplicant> VerifiedAsync(HttpClient http, string? uscc = null, bool approve = false, StorageAccount? outbox = null)
    {
        uscc ??= FilingSamples.RandomUscc();
        var (applicantId, link) = await RegisterPendingAsync(http, uscc, outbox);
        var verified = await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link, "api/applicants/verify"), HttpStatusCode.OK);
        if (approve) await ApproveAsync(http, applicantId);
        return new TestApplicant(applicantId, verified.GetProperty("accessToken").GetString()!, uscc);
    }

    /// <summary>One verified applicant per enterprise for the run (tests that only need someone allowed to file).</summary>
    public static Task<TestApplicant> SharedAsync(HttpClient http, string uscc) =>
        Shared.GetOrAdd(http.BaseAddress + "|" + uscc, _ => new Lazy<Task<TestApplicant>>(() => VerifiedAsync(http, uscc))).Value;

    public static async Task ApproveAsync(HttpClient http, string applicantId) =>
        await Problems.JsonAsync(await http.PostAsync($"api/staff/applicants/{applicantId}/verification",
            PartnerApi.Body(new { decision = "approve", note = "Business licence checked against the SAMR register." })), HttpStatusCode.OK);

    /// <summary>Through the registry itself, for runners without triggers: the link token is read from the outbox row.</summary>
    public static async Task<TestApplicant> VerifiedAsync(ApplicantRegistry registry, StorageAccount storage, string uscc, bool approve = false)
    {
        var pending = await registry.RegisterAsync(new ApplicantCreate("Beijing Example Technology Co., Ltd.", uscc, TestMailbox.Address("applicant"), "王芳", Privacy.Consent.Version), CancellationToken.None);
        var link = await OutboxLinks.TokenAsync(storage, "applicant-" + pending.ApplicantId);
        var verified = await registry.VerifyAsync(link, CancellationToken.None);
        if (approve) await registry.DecideEnterpriseAsync(pending.ApplicantId, new EnterpriseDecisionRequest(StaffDecisionKind.Approve, "Licence checked."), new StaffActor("test-staff"), CancellationToken.None);
        return new TestApplicant(pending.ApplicantId, verified.AccessToken, uscc);
    }

    /// <summary>Runs a runner with ForumCloud__Filings__AutoRegister=verified-applicants (free filings of approved applicants register unattended).</summary>
    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AutoRegister(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { [SettingNames.ConfigKey(SettingNames.FilingsAutoRegister)] = AutoRegistration.VerifiedApplicants }).Build();
        return Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services,
            sp => new AutoRegistration(configuration, Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ApplicantRegistry>(sp)));
    }

    /// <summary>POST /api/filings with the applicant's token.</summary>
    public static Task<HttpResponseMessage> FileAsync(HttpClient http, TestApplicant? applicant, JsonNode body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/filings") { Content = FilingSamples.Content(body) };
        if (applicant is not null) request.Headers.Add("X-Access-Token", applicant.Token);
        return http.SendAsync(request);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Benchmarks;

/// <summary>
/// Verified partners and filing applicants for the scenarios, through the real API: register, then confirm with the
/// one-time token read from the outbox row (the bench runner has no SMTP server, so its mail stays in the outbox).
/// </summary>
public static partial class BenchIdentities
{
    public static async Task<(string PartnerId, string Token)> VerifiedPartnerAsync(BenchEnvironment bench, string name = "Bench University")
    {
        var created = await PostAsync(bench, "api/partners", new { name, country = "SG", type = "university", contactEmail = "bench.partner@example.org", privacyNoticeVersion = BenchConsent.Version });
        var partnerId = created.GetProperty("partnerId").GetString()!;
        var verified = await PostAsync(bench, "api/partners/verify", new { token = await LinkTokenAsync(bench, "partner-" + partnerId) });
        return (partnerId, verified.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A verified applicant for the enterprise, its enterprise approved by staff when asked.</summary>
    public static async Task<string> VerifiedApplicantAsync(BenchEnvironment bench, string uscc, bool approve = false)
    {
        var created = await PostAsync(bench, "api/applicants", new { name = "Beijing Bench Company", uscc, contactEmail = "bench.applicant@example.org", contactName = "Bench", privacyNoticeVersion = BenchConsent.Version });
        var applicantId = created.GetProperty("applicantId").GetString()!;
        var verified = await PostAsync(bench, "api/applicants/verify", new { token = await LinkTokenAsync(bench, "applicant-" + applicantId) });
        if (approve) await PostAsync(bench, $"api/staff/applicants/{applicantId}/verification", new { decision = "approve", note = "Bench." });
        return verified.GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> LinkTokenAsync(BenchEnvironment bench, string partition)
    {
        var entity = (await bench.Storage.Table(TableNames.Notifications).GetEntityAsync<TableEntity>(partition, "verification")).Value;
        var match = TokenPattern().Match(entity.GetString("Text") ?? "");
        if (!match.Success) throw new InvalidOperationException($"No verification link in the outbox mail {partition}.");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    private static async Task<JsonElement> PostAsync(BenchEnvironment bench, string path, object body)
    {
        var response = await bench.Http.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [GeneratedRegex("#token=([A-Za-z0-9._~%-]+)")]
    private static partial Regex TokenPattern();
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ForumCloud.Functions.Filings;

namespace ForumCloud.Tests.Filings;

/// <summary>Valid filings to start from; each test changes what it is about.</summary>
public static class FilingSamples
{
    /// <summary>Published codes of well-known companies (Xiaomi, Huawei, Alibaba, Baidu, Tencent), checked by hand.</summary>
    public static readonly string[] PublishedUsccs = ["91110108551385082Q", "914403001922038216", "91330100716105852F", "91110000802100433B", "9144030071526726XG"];

    public const string FreeTechnology = "Industrial IoT gateway firmware";
    public const string FreeDescription = "Licence of firmware and know-how for edge gateways that collect machine telemetry over OPC UA.";
    public const string RestrictedDescription = "Know-how for a long-range lidar system for autonomous trucks.";
    public const string ProhibitedDescription = "A CRISPR platform for genome editing of human cells.";

    public static JsonObject Body(string direction = "export", string? description = null, string? contractNumber = null, string? uscc = null, string technology = FreeTechnology) => new()
    {
        ["direction"] = direction,
        ["contract"] = new JsonObject
        {
            ["number"] = contractNumber ?? "ZGC-" + Guid.NewGuid().ToString("N")[..12],
            ["title"] = "Technology licence agreement",
            ["signedOn"] = "2026-03-02",
            ["type"] = "know-how-licence",
        },
        ["domesticParty"] = new JsonObject { ["name"] = "Beijing Example Technology Co., Ltd. 北京示例科技有限公司", ["uscc"] = uscc ?? PublishedUsccs[0] },
        ["foreignParty"] = new JsonObject { ["name"] = "Example GmbH", ["country"] = "DE" },
        ["technology"] = new JsonObject { ["name"] = technology, ["field"] = "information technology", ["description"] = description ?? FreeDescription },
        ["value"] = new JsonObject { ["amount"] = 1250000.50m, ["currency"] = "EUR" },
        ["paymentMethod"] = "lump-sum-and-royalty",
    };

    public static FilingSubmissionRequest Request(JsonObject body) =>
        body.Deserialize<FilingSubmissionRequest>(ForumCloud.Functions.Platform.ApiJson.Options)!;

    public static StringContent Content(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    /// <summary>Files as a verified applicant of the body's enterprise (the run's shared one unless given).</summary>
    public static async Task<(string FilingId, string Token)> SubmitAsync(HttpClient http, JsonObject body, TestApplicant? applicant = null)
    {
        applicant ??= await ApplicantApi.SharedAsync(http, body["domesticParty"]!["uscc"]!.GetValue<string>());
        var response = await ApplicantApi.FileAsync(http, applicant, body);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, json);
        var root = JsonDocument.Parse(json).RootElement;
        return (root.GetProperty("filingId").GetString()!, root.GetProperty("accessToken").GetString()!);
    }

    public static async Task<JsonElement> GetAsync(HttpClient http, string filingId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/filings/{filingId}");
        request.Headers.Add("X-Access-Token", token);
        var response = await http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        return JsonDocument.Parse(json).RootElement;
    }

    /// <summary>Staff approve (registered, certificate) or reject an awaiting-registration or review-required filing.</summary>
    public static async Task<JsonElement> DecideAsync(HttpClient http, string filingId, string decision = "approve", string note = "Checked by the registration desk.") =>
        await Infrastructure.Problems.JsonAsync(await http.PostAsync($"api/staff/filings/{filingId}/decision", Content(new JsonObject { ["decision"] = decision, ["note"] = note })), System.Net.HttpStatusCode.OK);

    public static Task<JsonElement> WaitProcessedAsync(HttpClient http, string filingId, string token) =>
        Infrastructure.Eventually.ValueAsync(() => GetAsync(http, filingId, token),
            f => f.GetProperty("status").GetString() is not ("submitted" or "screening"), what: $"filing {filingId} to be processed");

    /// <summary>A fresh, valid code (random body, computed check character) for tests that need many companies.</summary>
    public static string RandomUscc()
    {
        var body = "911101" + Random.Shared.Next(0, 100).ToString("D2") + string.Concat(Enumerable.Range(0, 9).Select(_ => UnifiedSocialCreditCode.Alphabet[Random.Shared.Next(31)]));
        return body + UnifiedSocialCreditCode.CheckCharacter(body);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string url, object body) => http.PostAsJsonAsync(url, body);
}

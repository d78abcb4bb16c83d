using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>The partner and cooperation API as tests drive it over HTTP.</summary>
public static class PartnerApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateOnly BeijingToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Beijing).DateTime);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static StringContent Body(object body) => Problems.Json(JsonSerializer.Serialize(body, Json));

    /// <summary>Registers a partner and verifies it as its contact would: the link from the real mail, then POST verify.</summary>
    public static async Task<(string PartnerId, string Token)> RegisterAsync(HttpClient http, string country = "DE", string? name = null)
    {
        var (partnerId, link) = await RegisterPendingAsync(http, country, name);
        var verified = await Problems.JsonAsync(await VerifyAsync(http, link), HttpStatusCode.OK);
        Assert.Equal(partnerId, verified.GetProperty("partnerId").GetString());
        return (partnerId, verified.GetProperty("accessToken").GetString()!);
    }

    /// <summary>POST /api/partners (202) and the one-time token of the link mailed to the contact (read from the outbox row when the runner's storage is known).</summary>
    public static async Task<(string PartnerId, string LinkToken)> RegisterPendingAsync(HttpClient http, string country = "DE", string? name = null, string? contactEmail = null)
    {
        var email = contactEmail ?? TestMailbox.Address("partner");
        var response = await http.PostAsync("api/partners", Body(new
        {
            name = name ?? Unique.Slug("Partner"),
            nameZh = "合作伙伴",
            country,
            type = "university",
            website = "https://www.example.org",
            contactEmail = email,
            privacyNoticeVersion = Privacy.Consent.Version,
        }));
        var body = await Problems.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("pending-verification", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("accessToken", out _));
        var partnerId = body.GetProperty("partnerId").GetString()!;
        // The outbox row of the suite's own runners when known (as ApplicantApi): the mail itself is the mail tests' business.
        var link = RunnerStorage.Of(http.BaseAddress) is { } storage
            ? await OutboxLinks.TokenAsync(storage, "partner-" + partnerId)
            : await LinkTokenAsync(email, "/api/partners/verify");
        return (partnerId, link);
    }

    /// <summary>The token of the verification link in the mail to <paramref name="email"/> (from the real SMTP server).</summary>
    public static async Task<string> LinkTokenAsync(string email, string path)
    {
        var mailbox = await TestMailbox.SharedAsync();
        // Up to 150 s: a delivery that meets a transient SMTP error is retried after 1 minute (MailDeliveryOptions),
        // which happened once in a full run here under load.
        var mail = (await mailbox.WaitAsync(email, timeout: TimeSpan.FromSeconds(150))).Last();
        var match = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", "(https?://\\S+?)#token=([A-Za-z0-9._~%-]+)");
        Assert.True(match.Success, "The mail carries a verification link: " + mail.TextBody);
        Assert.EndsWith(path, match.Groups[1].Value, StringComparison.Ordinal);
        return Uri.UnescapeDataString(match.Groups[2].Value);
    }

    public static Task<HttpResponseMessage> VerifyAsync(HttpClient http, string token, string path = "api/partners/verify") =>
        http.PostAsync(path, Body(new { token }));

    /// <summary>A registry over the test storage whose mail goes to the outbox (the suite's runner delivers it).</summary>
    public static ForumCloud.Functions.Partners.PartnerRegistry Registry(StorageAccount storage) =>
        new(storage, new ForumCloud.Functions.Mail.MailOutbox(storage, new ForumCloud.Functions.Mail.NoticeIndex(storage, Microsoft.Extensions.Logging.Abstractions.NullLogger<ForumCloud.Functions.Mail.NoticeIndex>.Instance), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ForumCloud.Functions.Mail.MailOutbox>.Instance),
            ForumCloud.Functions.Mail.MailSettings.FromConfiguration(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()), new ForumCloud.Functions.Privacy.PrivacyNotices(), TimeProvider.System);

    /// <summary>Stores a verified partner directly (as the seeds do) and returns it with its access token, for tests below the HTTP edge.</summary>
    public static async Task<(ForumCloud.Functions.Partners.Partner Partner, string Token)> AddVerifiedAsync(ForumCloud.Functions.Partners.PartnerRegistry registry, ForumCloud.Functions.Partners.PartnerCreate create)
    {
        var (partner, token) = ForumCloud.Functions.Partners.PartnerRegistry.Validate(create, DateTimeOffset.UtcNow);
        partner = partner with { Status = ForumCloud.Functions.Partners.PartnerStatus.Active, VerifiedAt = DateTimeOffset.UtcNow };
        Assert.True(await registry.AddIfAbsentAsync(partner, CancellationToken.None));
        return (partner, token);
    }

    public static object Cooperation(string? startDate = null, string? endDate = "2099-12-31", string type = "joint-research", string? title = null) => new
    {
        title = title ?? "Joint laboratory for quantum sensing",
        type,
        fields = new[] { "quantum sensing", "photonics" },
        zgcPark = "haidian",
        startDate = startDate ?? "2026-01-01",
        endDate,
        description = "Three-year programme of joint research.\nExchange of two researchers a year.",
    };

    public static async Task<HttpResponseMessage> PostCooperationAsync(HttpClient http, string partnerId, string? token, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/partners/{partnerId}/cooperations") { Content = body as HttpContent ?? Body(body) };
        if (token is not null) request.Headers.Add("X-Access-Token", token);
        return await http.SendAsync(request);
    }

    public static async Task<string> CreateCooperationAsync(HttpClient http, string partnerId, string token, object? body = null)
    {
        var response = await PostCooperationAsync(http, partnerId, token, body ?? Cooperation());
        var created = await Problems.JsonAsync(response, HttpStatusCode.Created);
        return created.GetProperty("cooperationId").GetString()!;
    }

    public static Task<HttpResponseMessage> TransitionAsync(HttpClient http, string cooperationId, string to, int version, string? note = null) =>
        http.PostAsync($"api/staff/cooperations/{cooperationId}/transitions", Body(new { to, note, version }));

    /// <summary>Moves a record along legal transitions; returns its version afterwards.</summary>
    public static async Task<int> WalkAsync(HttpClient http, string cooperationId, IEnumerable<string> path, int version = 1)
    {
        foreach (var to in path)
        {
            var response = await TransitionAsync(http, cooperationId, to, version, to == "terminated" ? "Partner withdrew." : null);
            var body = await Problems.JsonAsync(response, HttpStatusCode.OK);
            version = body.GetProperty("version").GetInt32();
        }

        return version;
    }

    public static async Task<JsonElement> StaffGetAsync(HttpClient http, string cooperationId) =>
        await Problems.JsonAsync(await http.GetAsync($"api/staff/cooperations/{cooperationId}"), HttpStatusCode.OK);

    public static async Task<HttpResponseMessage> GetWithTokenAsync(HttpClient http, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Add("X-Access-Token", token);
        return await http.SendAsync(request);
    }

    /// <summary>Every entity of the tables, keyed by table/PK/RK with its ETag: equal snapshots mean nothing was written.</summary>
    public static async Task<SortedDictionary<string, string>> SnapshotAsync(StorageAccount storage, params string[] tables)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await foreach (var e in storage.Table(table).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                snapshot[$"{table}/{e.PartitionKey}/{e.RowKey}"] = e.ETag.ToString();
            }
        }

        return snapshot;
    }
}

/// <summary>
/// Tests that compare whole tables before and after: xunit runs this collection on its own, after the
/// parallel ones, so no other test writes meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeTableCollection
{
    public const string Name = "Partners: whole-table snapshots";
}

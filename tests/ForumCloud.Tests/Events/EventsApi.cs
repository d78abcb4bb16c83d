using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Partners;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Events;

/// <summary>Test helpers for the events API: events with a window around now, registrations, reads.</summary>
public static class EventsApi
{
    public static string Iso(DateTimeOffset value) => value.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    public static Dictionary<string, object?> EventBody(string eventId, int capacity = 10, string status = "published", TimeSpan? opensIn = null, TimeSpan? closesIn = null, string track = "parallel-forum")
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object?>
        {
            ["eventId"] = eventId,
            ["title"] = "Test forum " + eventId,
            ["track"] = track,
            ["startsAt"] = Iso(now.AddDays(30)),
            ["endsAt"] = Iso(now.AddDays(30).AddHours(4)),
            ["venue"] = "Zhongguancun International Innovation Center",
            ["languages"] = new[] { "zh", "en" },
            ["capacity"] = capacity,
            ["registrationOpensAt"] = Iso(now + (opensIn ?? TimeSpan.FromDays(-1))),
            ["registrationClosesAt"] = Iso(now + (closesIn ?? TimeSpan.FromDays(20))),
            ["status"] = status,
        };
    }

    public static async Task<string> CreateEventAsync(HttpClient http, int capacity = 10, string status = "published", TimeSpan? opensIn = null, TimeSpan? closesIn = null, string? eventId = null,
        int? waitlistLimit = null)
    {
        eventId ??= Unique.Slug("ev");
        var body = EventBody(eventId, capacity, status, opensIn, closesIn);
        if (waitlistLimit is { } limit) body["waitlistLimit"] = limit;
        var response = await http.PostAsJsonAsync("api/staff/events", body);
        await Problems.JsonAsync(response, HttpStatusCode.Created);
        return eventId;
    }

    public static object Attendee(string email, string name = "Ada Lovelace", string country = "GB") =>
        new { name, email, organization = "Analytical Engines Ltd", country, privacyNoticeVersion = Privacy.Consent.Version };

    private static readonly ConcurrentDictionary<Uri, Lazy<Task<(string PartnerId, string Token)>>> Partners = new();

    /// <summary>
    /// One verified partner per app under test, whose token registers people confirmed at once (the path every test
    /// that needs a confirmed registration takes). The one place tests get a partner's credentials for registrations.
    /// </summary>
    public static Task<(string PartnerId, string Token)> PartnerAsync(HttpClient http) =>
        Partners.GetOrAdd(http.BaseAddress!, _ => new Lazy<Task<(string, string)>>(() => VerifiedPartnerAsync(http))).Value;

    /// <summary>
    /// Verified through the real routes; the link is read from the outbox row the registration wrote (not from the
    /// mail, which in a full run queues behind hundreds of others) when the runner's storage is known.
    /// </summary>
    private static async Task<(string PartnerId, string Token)> VerifiedPartnerAsync(HttpClient http)
    {
        if (RunnerStorage.Of(http.BaseAddress) is not { } storage) return await PartnerApi.RegisterAsync(http, name: "Registering partner");
        var created = await Problems.JsonAsync(await http.PostAsync("api/partners", PartnerApi.Body(new
        {
            name = "Registering partner", country = "DE", type = "university", contactEmail = TestMailbox.Address("partner"), privacyNoticeVersion = Privacy.Consent.Version,
        })), HttpStatusCode.Accepted);
        var partnerId = created.GetProperty("partnerId").GetString()!;
        var link = await OutboxLinks.TokenAsync(storage, "partner-" + partnerId);
        var verified = await Problems.JsonAsync(await PartnerApi.VerifyAsync(http, link), HttpStatusCode.OK);
        return (partnerId, verified.GetProperty("accessToken").GetString()!);
    }

    /// <summary>
    /// A registration through the partner path (partnerId and X-Access-Token of <see cref="PartnerAsync"/>) unless the
    /// body names its own partnerId or <paramref name="anonymous"/> is set (then it is sent as given, without a token).
    /// </summary>
    public static async Task<HttpResponseMessage> PostRegistrationAsync(HttpClient http, string eventId, object body, string? idempotencyKey = null, bool anonymous = false,
        (string PartnerId, string Token)? partner = null)
    {
        var json = JsonSerializer.SerializeToNode(body, PartnerApi.Json)!.AsObject();
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/events/{eventId}/registrations");
        if (!anonymous && !json.ContainsKey("partnerId"))
        {
            var (partnerId, token) = partner ?? await PartnerAsync(http);
            json["partnerId"] = partnerId;
            request.Headers.Add("X-Access-Token", token);
        }

        request.Content = JsonContent.Create(json);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    /// <summary>
    /// A verified partner written straight through the app's own registry, as the seed loader writes demo partners:
    /// for runners whose mail cannot reach anyone (triggers off, or the outbox failing on purpose).
    /// </summary>
    public static async Task<(string PartnerId, string Token)> SeededPartnerAsync(IServiceProvider services)
    {
        var registry = services.GetRequiredService<ForumCloud.Functions.Partners.PartnerRegistry>();
        var (validated, _) = ForumCloud.Functions.Partners.PartnerRegistry.Validate(
            new ForumCloud.Functions.Partners.PartnerCreate("Seeded partner", null, "DE", ForumCloud.Functions.Partners.PartnerType.University, null, "partner@example.org"), DateTimeOffset.UtcNow);
        var token = ForumCloud.Functions.Platform.Secrets.NewToken();
        var partner = validated with { AccessTokenHash = ForumCloud.Functions.Platform.Secrets.Hash(token), Status = ForumCloud.Functions.Partners.PartnerStatus.Active, VerifiedAt = DateTimeOffset.UtcNow };
        await registry.AddIfAbsentAsync(partner, CancellationToken.None);
        return (partner.PartnerId, token);
    }

    public static async Task<JsonElement> RegisterAsync(HttpClient http, string eventId, (string PartnerId, string Token) partner, string? email = null)
    {
        var body = JsonSerializer.SerializeToNode(Attendee(email ?? $"{Guid.NewGuid():N}@example.org"), PartnerApi.Json)!.AsObject();
        body["partnerId"] = partner.PartnerId;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/events/{eventId}/registrations") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Access-Token", partner.Token);
        return await Problems.JsonAsync(await http.SendAsync(request), HttpStatusCode.Created);
    }

    public static async Task<JsonElement> RegisterAsync(HttpClient http, string eventId, string? email = null, string? name = null)
    {
        var response = await PostRegistrationAsync(http, eventId, Attendee(email ?? $"{Guid.NewGuid():N}@example.org", name ?? "Ada Lovelace"));
        return await Problems.JsonAsync(response, HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> GetRegistrationAsync(HttpClient http, string code, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/registrations/{code}");
        if (token is not null) request.Headers.Add("X-Manage-Token", token);
        return http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> CancelAsync(HttpClient http, string code, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"api/registrations/{code}");
        if (token is not null) request.Headers.Add("X-Manage-Token", token);
        return http.SendAsync(request);
    }

    public static async Task<string> StatusOfAsync(HttpClient http, JsonElement receipt)
    {
        var response = await GetRegistrationAsync(http, receipt.GetProperty("code").GetString()!, receipt.GetProperty("manageToken").GetString());
        return (await Problems.JsonAsync(response, HttpStatusCode.OK)).GetProperty("status").GetString()!;
    }

    public static async Task<JsonElement> EventAsync(HttpClient http, string eventId) =>
        await Problems.JsonAsync(await http.GetAsync($"api/events/{eventId}"), HttpStatusCode.OK);

    public static async Task<List<JsonElement>> StaffListAsync(HttpClient http, string eventId)
    {
        var items = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var url = $"api/staff/events/{eventId}/registrations?pageSize=100" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var page = await Problems.JsonAsync(await http.GetAsync(url), HttpStatusCode.OK);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.String ? page.GetProperty("continuation").GetString() : null;
        }
        while (continuation is not null);
        return items;
    }
}

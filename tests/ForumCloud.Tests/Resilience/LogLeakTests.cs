using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Partners;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// A full journey through the shared runner — register, read, cancel, promote, notices, partners and their
/// records, wrong tokens — and then every captured log line is searched for the emails and tokens used.
/// </summary>
public sealed class LogLeakTests
{
    [SkippableFact]
    public async Task Emails_and_tokens_never_reach_the_logs()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: the logs of a remote app are not ours to read.");
        var http = await SharedRunner.ClientAsync();
        var secrets = new List<string>();
        var run = Guid.NewGuid().ToString("N")[..10];

        // Registrations: one confirmed, one waitlisted, then a cancel that promotes the second (queue-driven notices).
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var first = await RegisterAsync(http, eventId, $"first.{run}@example.org", secrets);
        var second = await RegisterAsync(http, eventId, $"second.{run}@example.org", secrets);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, $"api/registrations/{first.Code}", ("X-Manage-Token", first.Token))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Get, $"api/registrations/{first.Code}", ("X-Manage-Token", second.Token))).StatusCode);
        Assert.True((await SendAsync(http, HttpMethod.Delete, $"api/registrations/{first.Code}", ("X-Manage-Token", first.Token))).IsSuccessStatusCode);
        await Eventually.TrueAsync(async () =>
        {
            var view = await SendAsync(http, HttpMethod.Get, $"api/registrations/{second.Code}", ("X-Manage-Token", second.Token));
            return (await view.Content.ReadAsStringAsync()).Contains("\"confirmed\"", StringComparison.Ordinal);
        }, what: "the waitlisted registration to be promoted");

        // Partners and cooperation records, with a wrong token on the way.
        var (partnerId, partnerToken) = await PartnerApi.RegisterAsync(http);
        secrets.Add(partnerToken);
        await PartnerApi.CreateCooperationAsync(http, partnerId, partnerToken);
        Assert.Equal(HttpStatusCode.NotFound, (await PartnerApi.GetWithTokenAsync(http, $"api/partners/{partnerId}", Secrets.NewToken())).StatusCode);

        var lines = CapturedLogs.Instance.Lines.ToList();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        Assert.DoesNotContain(lines, line => line.Contains(run, StringComparison.Ordinal)); // the emails' unique part
    }

    private static async Task<(string Code, string Token)> RegisterAsync(HttpClient http, string eventId, string email, List<string> secrets)
    {
        var response = await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee(email));
        var body = await Problems.JsonAsync(response, HttpStatusCode.Created);
        var token = body.GetProperty("manageToken").GetString()!;
        secrets.Add(email);
        secrets.Add(token);
        return (body.GetProperty("code").GetString()!, token);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, (string Name, string Value) header)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(header.Name, header.Value);
        return http.SendAsync(request);
    }
}

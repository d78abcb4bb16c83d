using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Mandate;

namespace ForumCloud.Tests.Events;

/// <summary>The confirmation page in real headless Chromium: opening the link changes nothing, its one button confirms.</summary>
public sealed class ConfirmPageBrowserTests
{
    [SkippableFact]
    public async Task Opening_the_mailed_link_holds_still_and_the_button_confirms_and_shows_the_manage_token()
    {
        var browserPath = HeadlessChromium.PathOrNull;
        Skip.If(browserPath is null, HeadlessChromium.Missing);
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "reads the mailed link from the test run's own Azurite");

        var client = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(client, capacity: 3);
        var email = $"browser-{Guid.NewGuid():N}@example.org";
        Assert.Equal(HttpStatusCode.Accepted, (await EventsApi.PostRegistrationAsync(client, eventId, EventsApi.Attendee(email), anonymous: true)).StatusCode);
        var (code, token, _) = await HoldTests.LinkAsync(eventId, email);
        var pageUrl = new Uri(client.BaseAddress!, $"/api/confirm?token={Uri.EscapeDataString(token)}");

        await using var chromium = await HeadlessChromium.StartAsync(browserPath!);
        var session = chromium.Session;
        {
            await session.SendAsync("Page.navigate", new JsonObject { ["url"] = pageUrl.ToString() });
            await session.WaitForAsync("!!document.getElementById('confirm') && !document.getElementById('confirm').disabled", TimeSpan.FromSeconds(30));
            var before = (await EventsApi.StaffListAsync(client, eventId)).Single(r => r.GetProperty("code").GetString() == code);
            Assert.Equal("pending-confirmation", before.GetProperty("status").GetString()); // the page loaded (and ran its script): still held

            await session.EvaluateAsync("document.getElementById('confirm').click(); true");
            await session.WaitForAsync("document.getElementById('result').dataset.outcome || ''", TimeSpan.FromSeconds(30));
            var shown = await session.EvaluateAsync("document.getElementById('result').dataset.outcome + '|' + document.getElementById('result').textContent");
            Assert.StartsWith("confirmed|", shown);
            Assert.Contains(code, shown);
            var manageToken = await session.EvaluateAsync("document.querySelectorAll('#result dd')[2].textContent");
            Assert.Equal(HttpStatusCode.OK, (await EventsApi.GetRegistrationAsync(client, code, manageToken)).StatusCode);
        }
    }
}

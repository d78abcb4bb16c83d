using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Mail;

namespace ForumCloud.Tests.Desk;

/// <summary>The desk's page and the check-in rules it relies on, over HTTP through the runner.</summary>
public sealed class DeskHttpTests
{
    [Theory]
    [InlineData("api/desk", "text/html")]
    [InlineData("api/desk/assets/desk.js", "text/javascript")]
    [InlineData("api/desk/assets/desk.css", "text/css")]
    [InlineData("api/desk/assets/jsqr.js", "text/javascript")]
    public async Task The_desk_is_served_with_a_policy_that_allows_no_inline_script(string path, string type)
    {
        using var client = await SharedRunner.ClientAsync();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_page_holds_no_inline_script_or_style_and_no_secret()
    {
        using var client = await SharedRunner.ClientAsync();
        var html = await client.GetStringAsync("api/desk");

        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html); // no inline event handlers either
        Assert.Contains("name=\"functionKey\"", html);
        if (Environment.GetEnvironmentVariable("FORUMCLOUD_FUNCTION_KEY") is { Length: > 0 } key) Assert.DoesNotContain(key, html);
    }

    [Theory]
    [InlineData("api/desk/assets/..%2Fhost.json")]
    [InlineData("api/desk/assets/index.htm")]
    [InlineData("api/desk/assets/secrets.json")]
    public async Task Only_the_desk_files_are_served(string path)
    {
        using var client = await SharedRunner.ClientAsync();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [SkippableFact]
    public async Task A_badge_of_another_event_is_refused_at_this_door_and_not_checked_in()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Needs the test mailbox, which only a runner started by the tests mails.");
        using var client = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var door = await EventsApi.CreateEventAsync(client);
        var other = await EventsApi.CreateEventAsync(client);
        var email = TestMailbox.Address();
        await EventsApi.RegisterAsync(client, other, email, "Grace Hopper");
        var secret = ReceivedMail.DecodeQr((await mailbox.WaitAsync(email, count: 1)).First(m => ReceivedMail.Part(m, "image", "png") is not null));

        using var refused = await client.PostAsJsonAsync("api/staff/check-ins", new { secret, eventId = door });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(other, problem.RootElement.GetProperty("eventId").GetString());
        Assert.Equal("Grace Hopper", problem.RootElement.GetProperty("name").GetString());

        using var admitted = await client.PostAsJsonAsync("api/staff/check-ins", new { secret, eventId = other });
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        using var receipt = JsonDocument.Parse(await admitted.Content.ReadAsStringAsync());
        Assert.Equal(other, receipt.RootElement.GetProperty("eventId").GetString());

        using var malformed = await client.PostAsJsonAsync("api/staff/check-ins", new { secret, eventId = "Not/An#Event" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("eventId", await malformed.Content.ReadAsStringAsync());
    }
}

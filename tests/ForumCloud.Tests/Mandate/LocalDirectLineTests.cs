using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.DevHost;
using ForumCloud.Functions.Mandate;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Mandate;

/// <summary>
/// The runner's Direct Line 3.0 endpoint, spoken the way Web Chat's DirectLineJS speaks it (start, post, poll by
/// watermark), relayed to the real bot through /api/messages: the bot's reply equals /api/ask's answer.
/// </summary>
public sealed class LocalDirectLineTests
{
    [SkippableFact]
    public async Task A_message_over_local_direct_line_gets_the_same_reply_as_api_ask()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "The local Direct Line endpoint exists only in the local runner.");
        var client = await SharedRunner.ClientAsync();
        var token = await Problems.JsonAsync(await client.PostAsync("/api/directline/token", null), HttpStatusCode.OK);
        var domain = token.GetProperty("domain").GetString()!;
        using var directLine = new HttpClient();
        directLine.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());

        var started = await directLine.PostAsync($"{domain}/conversations", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var conversationId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversationId").GetString();

        await directLine.PostAsJsonAsync($"{domain}/conversations/{conversationId}/activities", new { type = "event", name = "webchat/join", from = new { id = "dl_user", role = "user" } });
        var question = "Who handles technology export?";
        var posted = await directLine.PostAsJsonAsync($"{domain}/conversations/{conversationId}/activities", new { type = "message", text = question, from = new { id = "dl_user", role = "user" } });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var activities = await Eventually.ValueAsync(async () =>
        {
            var page = await directLine.GetFromJsonAsync<JsonElement>($"{domain}/conversations/{conversationId}/activities?watermark=0");
            return page.GetProperty("activities").EnumerateArray().ToList();
        }, all => all.Count(a => a.GetProperty("from").GetProperty("id").GetString() == LocalDirectLine.BotId) >= 2, TimeSpan.FromSeconds(30), "the welcome and the answer");

        var fromBot = activities.Where(a => a.GetProperty("from").GetProperty("id").GetString() == LocalDirectLine.BotId).ToList();
        Assert.StartsWith("Hello!", fromBot[0].GetProperty("text").GetString());
        var reply = fromBot[1];
        var ask = await Problems.JsonAsync(await client.PostAsJsonAsync("/api/ask", new { question }), HttpStatusCode.OK);
        Assert.Equal(ask.GetProperty("answer").GetString(), reply.GetProperty("text").GetString());
        Assert.Equal(
            ask.GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()),
            reply.GetProperty("suggestedActions").GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("value").GetString()));

        // The watermark moves on: nothing new after the last activity.
        var rest = await directLine.GetFromJsonAsync<JsonElement>($"{domain}/conversations/{conversationId}/activities?watermark={activities.Count}");
        Assert.Equal(0, rest.GetProperty("activities").GetArrayLength());
    }

    [SkippableFact]
    public async Task Direct_line_without_the_conversations_token_is_401()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "The local Direct Line endpoint exists only in the local runner.");
        var client = await SharedRunner.ClientAsync();
        var token = await Problems.JsonAsync(await client.PostAsync("/api/directline/token", null), HttpStatusCode.OK);
        var domain = token.GetProperty("domain").GetString()!;
        using var stranger = new HttpClient();
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsync($"{domain}/conversations", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync($"{domain}/conversations/{token.GetProperty("conversationId").GetString()}/activities")).StatusCode);
    }

    [SkippableFact]
    public async Task The_token_endpoint_allows_ten_a_minute_per_address_then_429_with_retry_after()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Needs a runner of its own (the limit is per instance).");
        await using var runner = await PrivateRunner.StartAsync();
        for (var i = 0; i < ForumCloud.Functions.Platform.RateLimits.DirectLineTokensPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await runner.Http.PostAsync("api/directline/token", null)).StatusCode);
        }

        var refused = await runner.Http.PostAsync("api/directline/token", null);
        var problem = await Problems.AssertProblemAsync(refused, (HttpStatusCode)429);
        Assert.Contains("10", problem.GetProperty("detail").GetString());
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }
}

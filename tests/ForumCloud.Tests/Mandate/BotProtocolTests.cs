using System.Net;
using System.Text;
using System.Text.Json;
using ForumCloud.Bot.Conversation;
using ForumCloud.Functions.Mandate;
using ForumCloud.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Mandate;

/// <summary>/api/messages speaks the Bot Framework protocol: an Activity in, the reply posted back to the channel's serviceUrl.</summary>
public sealed class BotProtocolTests
{
    [SkippableFact]
    public async Task A_message_activity_gets_its_reply_posted_to_the_service_url_with_the_citation()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: the channel stand-in listens on this machine's loopback only.");

        var replies = new TaskCompletionSource<(string Path, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var channel = builder.Build();
        channel.MapPost("/v3/conversations/{conversationId}/activities/{replyToId}", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            replies.TrySetResult((context.Request.Path.Value!, body));
            return Results.Json(new { id = "reply-1" });
        });
        await channel.StartAsync();
        var serviceUrl = channel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var conversationId = "conv-" + Guid.NewGuid().ToString("N");
        var activity = $$"""
            {
              "type": "message",
              "id": "act-1",
              "timestamp": "2026-04-01T08:00:00.000Z",
              "serviceUrl": "{{serviceUrl}}",
              "channelId": "emulator",
              "from": { "id": "user-1", "name": "Visitor", "role": "user" },
              "conversation": { "id": "{{conversationId}}" },
              "recipient": { "id": "forumcloud-bot", "name": "ForumCloud", "role": "bot" },
              "text": "Who prepares the Zhongguancun Forum?",
              "locale": "en-US"
            }
            """;
        var client = await SharedRunner.ClientAsync();
        var response = await client.PostAsync("/api/messages", new StringContent(activity, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"messages answered {(int)response.StatusCode}");

        var (path, replyJson) = await replies.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal($"/v3/conversations/{conversationId}/activities/act-1", path);
        var reply = JsonDocument.Parse(replyJson).RootElement;
        Assert.Equal("message", reply.GetProperty("type").GetString());
        Assert.Equal("act-1", reply.GetProperty("replyToId").GetString());
        Assert.StartsWith("Duty XV — International cooperation and the Zhongguancun Forum", reply.GetProperty("text").GetString());
        Assert.True(reply.GetProperty("suggestedActions").GetProperty("actions").GetArrayLength() > 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln")]
    public async Task With_an_app_id_configured_a_missing_or_malformed_token_is_401(string? authorization)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MicrosoftAppType"] = "MultiTenant",
            ["MicrosoftAppId"] = "00000000-0000-0000-0000-000000000001",
            ["MicrosoftAppPassword"] = "not-used",
        }).Build();
        var adapter = new MandateBotAdapter(new ConfigurationBotFrameworkAuthentication(configuration), NullLogger<MandateBotAdapter>.Instance);
        var conversation = MandateBotTests.Conversation(new NoOpenEvents());
        var functions = new MandateFunctions(conversation, adapter, new MandateBot(conversation),
            new DirectLineTokens(null, NullLogger<DirectLineTokens>.Instance),
            new UnansweredQuestionLog(ForumCloud.Functions.Platform.StorageAccount.FromConnectionString("UseDevelopmentStorage=true")),
            new WebChatAssets(), new BotEndpointPolicy(configuration), NullLogger<MandateFunctions>.Instance);
        // Through the edge every host runs around a function, which answers the function's 401 as problem details.
        var edge = new ForumCloud.Functions.Platform.HttpEdge(new ForumCloud.Functions.Platform.RateLimits(configuration),
            new ForumCloud.Functions.Platform.StaffGate(configuration), NullLogger<ForumCloud.Functions.Platform.HttpEdge>.Instance);

        var services = new ServiceCollection().AddLogging().AddSingleton<IProblemDetailsWriter, ForumCloud.Functions.Platform.ApiProblemWriter>();
        services.AddProblemDetails();
        var context = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        context.Request.Method = "POST";
        context.Request.Path = "/api/messages";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"type":"message","id":"a","channelId":"emulator","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c"},"from":{"id":"u"},"recipient":{"id":"b"},"text":"hi"}"""));
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        context.Response.Body = new MemoryStream();

        var result = await edge.InvokeAsync(context, staffOnly: false, async () => await functions.Messages(context.Request, CancellationToken.None));
        if (result is IResult problem) await problem.ExecuteAsync(context);
        else await ((Microsoft.AspNetCore.Mvc.IActionResult)result!).ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext(context, new Microsoft.AspNetCore.Routing.RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
    }

    [Theory]
    [InlineData(null, null, false)]                                        // locally: anonymous, as the Emulator needs
    [InlineData("forumcloud-app", null, true)]                             // in Azure without an app id: refused
    [InlineData("forumcloud-app", "00000000-0000-0000-0000-000000000001", false)] // in Azure with the bot's app id: CloudAdapter checks tokens
    public void In_azure_the_bot_endpoint_refuses_to_serve_without_an_app_id(string? site, string? appId, bool refused)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [BotEndpointPolicy.AzureSiteSetting] = site,
            ["MicrosoftAppId"] = appId,
        }).Build();
        var policy = new BotEndpointPolicy(configuration);

        var problem = Record.Exception(policy.Demand) as ForumCloud.Functions.Platform.ProblemException;
        Assert.Equal(refused, problem is not null);
        if (refused) Assert.Equal(503, problem!.Status);
    }
}

/// <summary>No forum events are open (the protocol test is about the citation, not the events list).</summary>
internal sealed class NoOpenEvents : ForumCloud.Bot.Conversation.IOpenEventsSource
{
    public Task<IReadOnlyList<ForumCloud.Bot.Conversation.OpenForumEvent>> ListOpenAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ForumCloud.Bot.Conversation.OpenForumEvent>>([]);
}

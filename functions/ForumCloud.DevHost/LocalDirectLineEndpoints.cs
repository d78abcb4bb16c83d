using System.Text;
using System.Text.Json.Nodes;
using ForumCloud.Functions.Mandate;
using ForumCloud.Functions.Platform;

namespace ForumCloud.DevHost;

/// <summary>The routes of <see cref="LocalDirectLine"/>: Direct Line 3.0 for Web Chat, Bot Connector for the bot's replies.</summary>
public static class LocalDirectLineEndpoints
{
    private const int MaxBody = 64 * 1024;

    private static readonly HttpClient Relay = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Serves Direct Line locally unless a real Direct Line secret is configured (then the page uses Azure's).</summary>
    public static void AddLocalDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration[SettingNames.DirectLineSecret])) return;
        services.AddHttpContextAccessor();
        services.AddSingleton<LocalDirectLine>();
        services.AddSingleton<IDirectLineTokenSource>(sp => sp.GetRequiredService<LocalDirectLine>());
    }

    public static void MapLocalDirectLine(this WebApplication app)
    {
        if (app.Services.GetService<LocalDirectLine>() is null) return;
        var directLine = app.MapGroup(LocalDirectLine.DirectLinePath);
        directLine.MapPost("/conversations", StartConversation);
        directLine.MapPost("/tokens/refresh", StartConversation);
        directLine.MapGet("/conversations/{conversationId}/activities", GetActivities);
        directLine.MapPost("/conversations/{conversationId}/activities", PostActivity);

        var connector = app.MapGroup(LocalDirectLine.ConnectorPath + "/v3/conversations/{conversationId}");
        connector.MapPost("/activities", BotReply);
        connector.MapPost("/activities/{replyToId}", BotReply);
    }

    private static IResult StartConversation(HttpRequest request, LocalDirectLine directLine)
    {
        if (directLine.ConversationOf(request) is not { } conversationId) return Results.Unauthorized();
        var token = request.Headers.Authorization.ToString()["Bearer ".Length..];
        return Results.Json(new JsonObject { ["conversationId"] = conversationId, ["token"] = token, ["expires_in"] = 1800 }, statusCode: 201);
    }

    private static IResult GetActivities(HttpRequest request, string conversationId, LocalDirectLine directLine)
    {
        if (directLine.ConversationOf(request) != conversationId || directLine.TranscriptOf(conversationId) is not { } transcript) return Results.Unauthorized();
        var watermark = int.TryParse(request.Query["watermark"], out var w) ? w : 0;
        var (activities, next) = transcript.After(watermark);
        return Results.Json(new JsonObject { ["activities"] = new JsonArray([.. activities]), ["watermark"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Web Chat's message: into the transcript, then to the bot as Azure's Direct Line would send it; answered once the bot has answered.</summary>
    private static async Task<IResult> PostActivity(HttpRequest request, string conversationId, LocalDirectLine directLine, ILogger<LocalDirectLine> logger)
    {
        if (directLine.ConversationOf(request) != conversationId || directLine.TranscriptOf(conversationId) is not { } transcript) return Results.Unauthorized();
        if (await ReadAsync(request) is not { } activity) return Results.BadRequest();

        var origin = $"{request.Scheme}://{request.Host}";
        activity["serviceUrl"] = origin + LocalDirectLine.ConnectorPath;
        activity["recipient"] = new JsonObject { ["id"] = LocalDirectLine.BotId, ["name"] = "ForumCloud", ["role"] = "bot" };
        activity["from"] ??= new JsonObject { ["id"] = "user", ["role"] = "user" };
        var id = transcript.Append(conversationId, activity);

        using var relayed = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Relay.PostAsync(origin + "/api/messages", relayed, request.HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("The bot answered {Status} to a local Direct Line activity", (int)response.StatusCode);
            return Results.StatusCode(502);
        }

        return Results.Json(new JsonObject { ["id"] = id });
    }

    private static async Task<IResult> BotReply(HttpRequest request, string conversationId, LocalDirectLine directLine)
    {
        if (directLine.TranscriptOf(conversationId) is not { } transcript) return Results.NotFound();
        if (await ReadAsync(request) is not { } activity) return Results.BadRequest();
        activity["from"] ??= new JsonObject { ["id"] = LocalDirectLine.BotId, ["name"] = "ForumCloud", ["role"] = "bot" };
        return Results.Json(new JsonObject { ["id"] = transcript.Append(conversationId, activity) });
    }

    private static async Task<JsonObject?> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBody) return null;
        try
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

using ForumCloud.Bot.Knowledge;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace ForumCloud.Functions.Mandate;

public sealed record AskRequest(string? Question);

/// <summary>The chatbot's HTTP surface: the Bot Framework channel endpoint, the JSON ask endpoint, the chat page and its Direct Line token.</summary>
public sealed class MandateFunctions(
    MandateAnswerer answerer,
    MandateBotAdapter adapter,
    IBot bot,
    DirectLineTokens directLine,
    WebChatAssets assets,
    ILogger<MandateFunctions> logger)
{
    [Function("MandateAsk")]
    public Task<IActionResult> Ask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ask")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadJsonAsync<AskRequest>(request, cancellationToken);
            var errors = new FieldErrors();
            var question = errors.LongText("question", body.Question, MandateAnswerer.MaxQuestionLength);
            errors.ThrowIfAny();
            var answer = answerer.Ask(question);
            // Telemetry for calibrating the threshold: outcome, section and confidence, never the question text (it may hold personal data).
            logger.LogInformation("Mandate question: answered {Answered}, section {Section}, score {Score}",
                answer.Answered, answer.Sources.FirstOrDefault()?.Section, answer.Sources.FirstOrDefault()?.Score);
            return ApiResults.Ok(answer);
        });

    /// <summary>
    /// The Bot Framework channel endpoint. CloudAdapter authenticates the request (anonymous when no app id is
    /// configured, like the Emulator), runs the bot, and writes the HTTP response itself; the result returned
    /// afterwards must not write again.
    /// </summary>
    [Function("BotMessages")]
    public Task<IActionResult> Messages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            try
            {
                await adapter.ProcessAsync(request, request.HttpContext.Response, bot, cancellationToken);
            }
            catch (Exception ex) when (IsAuthenticationFailure(ex) && !request.HttpContext.Response.HasStarted)
            {
                // A malformed bearer token makes CloudAdapter throw instead of answering 401.
                logger.LogWarning("Bot Framework request refused: {Reason}", ex.GetType().Name);
                return ApiResults.Problem(new ProblemException(401, "Unauthorized.", "The Bot Framework token is missing or not valid."), request.Path);
            }

            return new EmptyResult();
        });

    [Function("MandateChatPage")]
    public IActionResult ChatPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chat")] HttpRequest request) =>
        ApiResults.Text("text/html; charset=utf-8", ChatPageHtml.Render(useWebChat: directLine.Configured && assets.HasBundle)).WithHeader("Cache-Control", "no-cache");

    [Function("MandateWebChatBundle")]
    public IActionResult WebChatBundle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chat/webchat.js")] HttpRequest request) =>
        assets.HasBundle
            ? new StaticFileResult(assets.BundlePath, "text/javascript; charset=utf-8")
            : ApiResults.Problem(ProblemException.NotFound("The Web Chat bundle is not part of this build (npm ci before building)."), request.Path);

    [Function("MandateDirectLineToken")]
    public Task<IActionResult> DirectLineToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "directline/token")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            if (!directLine.Configured) throw ProblemException.NotFound("Direct Line is not configured here; the chat page talks to /api/ask instead.");
            try
            {
                var token = await directLine.GenerateAsync(cancellationToken);
                return ApiResults.Ok(new { token = token.Token, conversationId = token.ConversationId, expiresIn = token.ExpiresIn });
            }
            catch (HttpRequestException)
            {
                throw new ProblemException(502, "Direct Line did not issue a token.", "Try again shortly.");
            }
        });

    private static bool IsAuthenticationFailure(Exception ex) =>
        ex is UnauthorizedAccessException or SecurityTokenException or ArgumentException;
}

/// <summary>Streams a file from the app's output (the Web Chat bundle) without MVC's file executors.</summary>
public sealed class StaticFileResult(string path, string contentType) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.CacheControl = "public, max-age=3600";
        await using var file = File.OpenRead(path);
        response.ContentLength = file.Length;
        await file.CopyToAsync(response.Body, context.HttpContext.RequestAborted);
    }
}

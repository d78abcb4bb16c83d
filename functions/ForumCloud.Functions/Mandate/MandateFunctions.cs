using ForumCloud.Bot.Conversation;
using ForumCloud.Bot.Knowledge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace ForumCloud.Functions.Mandate;

public sealed record AskRequest(string? Question);

/// <summary>The chatbot's HTTP surface: the Bot Framework channel endpoint, the JSON ask endpoint, the chat page and its Direct Line token, and the staff list of refused questions.</summary>
public sealed class MandateFunctions(
    MandateConversation conversation,
    MandateBotAdapter adapter,
    IBot bot,
    IDirectLineTokenSource directLine,
    UnansweredQuestionLog unanswered,
    WebChatAssets assets,
    BotEndpointPolicy botEndpoint,
    ILogger<MandateFunctions> logger)
{
    [Function("MandateAsk")]
    public async Task<IActionResult> Ask(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ask")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<AskRequest>(request, cancellationToken);
        var errors = new FieldErrors();
        var question = errors.LongText("question", body.Question, MandateAnswerer.MaxQuestionLength);
        errors.ThrowIfAny();
        // The same core as the bot: the same text, sources and suggestions as its reply to this message.
        var reply = await conversation.ReplyAsync(question, cancellationToken);
        // Telemetry for calibrating the threshold: outcome, section and confidence, never the question text (it may hold personal data).
        logger.LogInformation("Mandate question: {Kind}, answered {Answered}, section {Section}, score {Score}",
            reply.Kind, reply.Answered, reply.Sources.FirstOrDefault()?.Section, reply.Sources.FirstOrDefault()?.Score);
        return new OkObjectResult(reply);
    }

    /// <summary>
    /// The Bot Framework channel endpoint. CloudAdapter authenticates the request (anonymous when no app id is
    /// configured, like the Emulator), runs the bot, and writes the HTTP response itself; the result returned
    /// afterwards must not write again.
    /// </summary>
    [Function("BotMessages")]
    public async Task<IActionResult> Messages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "messages")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        botEndpoint.Demand();
        try
        {
            await adapter.ProcessAsync(request, request.HttpContext.Response, bot, cancellationToken);
        }
        catch (Exception ex) when (IsAuthenticationFailure(ex) && !request.HttpContext.Response.HasStarted)
        {
            // A malformed bearer token makes CloudAdapter throw instead of answering 401.
            logger.LogWarning("Bot Framework request refused: {Reason}", ex.GetType().Name);
            throw new ProblemException(401, "Unauthorized.", "The Bot Framework token is missing or not valid.");
        }

        return new EmptyResult();
    }

    /// <summary>The chat page: Bot Framework Web Chat over Direct Line, always (locally the runner serves Direct Line). `/api/chat/` works too: the page's URLs are absolute.</summary>
    [Function("MandateChatPage")]
    public IActionResult ChatPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chat")] HttpRequest request)
    {
        var nonce = Secrets.NewToken();
        return HtmlPage.Result(request.HttpContext.Response, ChatPageHtml.Render(ChatPageHtml.ApiBase(request.Path), nonce, assets.HasBundle),
            cacheControl: "no-cache", ChatPageHtml.ContentSecurityPolicy(nonce));
    }

    [Function("MandateWebChatBundle")]
    public IActionResult WebChatBundle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "chat/webchat.js")] HttpRequest request)
    {
        if (!assets.HasBundle) throw ProblemException.NotFound("The Web Chat bundle is not part of this build (npm ci before building).");
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
        return new PhysicalFileResult(assets.BundlePath, "text/javascript; charset=utf-8");
    }

    [Function("MandateDirectLineToken")]
    public async Task<IActionResult> DirectLineToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "directline/token")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!directLine.Configured) throw ProblemException.NotFound("Direct Line is not configured here (set DirectLineSecret, or use the local runner, which serves Direct Line itself).");
        try
        {
            var token = await directLine.GenerateAsync(cancellationToken);
            return new OkObjectResult(new { token = token.Token, conversationId = token.ConversationId, expiresIn = token.ExpiresIn, domain = token.Domain });
        }
        catch (HttpRequestException)
        {
            throw new ProblemException(502, "Direct Line did not issue a token.", "Try again shortly.");
        }
    }

    /// <summary>The questions the bot refused, most asked first (normalised, personal data masked), for staff to improve the keywords.</summary>
    [Function("ListUnansweredQuestions")]
    [StaffOnly]
    public async Task<IActionResult> Unanswered(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/mandate/unanswered")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        return new OkObjectResult(await unanswered.ListAsync(PageRequest.Read(request.Query).PageSize, cancellationToken));
    }

    private static bool IsAuthenticationFailure(Exception ex) =>
        ex is UnauthorizedAccessException or SecurityTokenException or ArgumentException;
}

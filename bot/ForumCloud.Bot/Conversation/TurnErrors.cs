using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Bot.Conversation;

/// <summary>The adapter's OnTurnError: log the failure and apologise (the bot keeps no conversation state to clear).</summary>
public static class TurnErrors
{
    public const string Apology = "Sorry — something went wrong on my side while answering. Please try again, or ask another question.";

    public static Func<ITurnContext, Exception, Task> Handler(ILogger logger) => async (turnContext, exception) =>
    {
        logger.LogError(exception, "Bot turn failed in conversation {ConversationId} ({Channel})",
            turnContext.Activity?.Conversation?.Id, turnContext.Activity?.ChannelId);
        try
        {
            await turnContext.SendActivityAsync(Apology);
        }
        catch (Exception sendFailure)
        {
            logger.LogError(sendFailure, "Could not send the apology");
        }
    };
}

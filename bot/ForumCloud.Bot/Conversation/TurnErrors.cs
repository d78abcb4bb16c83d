using Microsoft.Bot.Builder;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Bot.Conversation;

/// <summary>
/// The adapter's OnTurnError: log the failure, apologise to the user, and clear the conversation state so a
/// broken state cannot fail every later turn too.
/// </summary>
public static class TurnErrors
{
    public const string Apology = "Sorry — something went wrong on my side while answering. Please try again, or ask another question.";

    public static Func<ITurnContext, Exception, Task> Handler(ConversationState conversationState, ILogger logger) => async (turnContext, exception) =>
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

        try
        {
            await conversationState.DeleteAsync(turnContext);
        }
        catch (Exception clearFailure)
        {
            logger.LogError(clearFailure, "Could not clear the conversation state");
        }
    };
}

using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace ForumCloud.Bot.Conversation;

/// <summary>
/// The mandate bot on the Bot Framework: a welcome when someone joins, and every message answered by the
/// conversation core (the same core as /api/ask), its suggestions sent as suggested actions. It keeps no
/// conversation state: the core needs none, so the bot scales out without storage.
/// </summary>
public sealed class MandateBot(MandateConversation conversation) : ActivityHandler
{
    public const string HelpCommand = "help";
    public const string EventsQuestion = MandateConversation.EventsQuestion;

    public static string WelcomeText => MandateConversation.WelcomeText;

    public static string HelpText => MandateConversation.HelpText;

    /// <summary>The chat page's event once Web Chat has connected (Direct Line announces the user only at their first message).</summary>
    public const string JoinEvent = "webchat/join";

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        // On Direct Line the page's join event greets; a conversation update there would greet a second time.
        if (turnContext.Activity.ChannelId is "directline" or "webchat") return;
        foreach (var member in membersAdded)
        {
            // The bot itself is announced as a member too; greet only people.
            if (member.Id == turnContext.Activity.Recipient?.Id) continue;
            await turnContext.SendActivityAsync(ToActivity(conversation.Welcome()), cancellationToken);
        }
    }

    protected override async Task OnEventActivityAsync(ITurnContext<IEventActivity> turnContext, CancellationToken cancellationToken)
    {
        if (turnContext.Activity.Name == JoinEvent) await turnContext.SendActivityAsync(ToActivity(conversation.Welcome()), cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var reply = await conversation.ReplyAsync(turnContext.Activity.Text, cancellationToken);
        await turnContext.SendActivityAsync(ToActivity(reply), cancellationToken);
    }

    public static IMessageActivity ToActivity(ConversationReply reply)
    {
        var activity = MessageFactory.Text(reply.Answer);
        activity.SuggestedActions = new SuggestedActions { Actions = reply.Suggestions.Select(s => new CardAction(ActionTypes.ImBack, s, value: s)).ToList() };
        return activity;
    }
}

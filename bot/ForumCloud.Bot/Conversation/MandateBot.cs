using System.Text;
using System.Text.RegularExpressions;
using ForumCloud.Bot.Knowledge;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace ForumCloud.Bot.Conversation;

/// <summary>
/// The mandate bot: a welcome when someone joins, "help", open forum events on request, and otherwise an
/// answer from the mandate with its citation and suggested follow-ups. Conversation state remembers the
/// last cited section so "more" can follow up on it.
/// </summary>
public sealed partial class MandateBot(MandateAnswerer answerer, IOpenEventsSource events, ConversationState conversationState, TimeProvider time) : ActivityHandler
{
    public const string HelpCommand = "help";
    public const string EventsQuestion = "Which forum events are open?";

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly IStatePropertyAccessor<ConversationMemory> _memory = conversationState.CreateProperty<ConversationMemory>(nameof(ConversationMemory));

    public static string WelcomeText =>
        "Hello! I answer questions about the mandate of the Beijing Municipal Science & Technology Commission / "
        + "Zhongguancun Science Park Administrative Committee — for example who prepares the Zhongguancun Forum, who handles "
        + "technology export and import, or who looks after foreign experts. I quote the mandate and cite the duty. "
        + "I can also list the forum events open for registration. Type \"help\" at any time. 中文提问也可以。";

    public static string HelpText =>
        "Ask me in your own words about what the commission does; I answer from its mandate (the introduction, duties I–XIX, "
        + "the functional transformations XX.1–XX.5 and the division of responsibilities XXI) and cite the section. "
        + "Examples: \"Who prepares the Zhongguancun Forum?\", \"Who supports basic research?\", \"foreign experts\", \"技术进出口\". "
        + "Ask \"Which forum events are open?\" to see events with seats left.";

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, force: false, cancellationToken);
    }

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        foreach (var member in membersAdded)
        {
            // The bot itself is announced as a member too; greet only people.
            if (member.Id == turnContext.Activity.Recipient?.Id) continue;
            await turnContext.SendActivityAsync(WithActions(MessageFactory.Text(WelcomeText), StarterActions()), cancellationToken);
        }
    }

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var text = (turnContext.Activity.Text ?? "").Trim();
        var memory = await _memory.GetAsync(turnContext, () => new ConversationMemory(), cancellationToken);
        memory.Turns++;

        if (text.Length == 0 || HelpWords().IsMatch(text))
        {
            await turnContext.SendActivityAsync(WithActions(MessageFactory.Text(HelpText), StarterActions()), cancellationToken);
            return;
        }

        if (EventsWords().IsMatch(text))
        {
            await turnContext.SendActivityAsync(WithActions(MessageFactory.Text(await DescribeOpenEventsAsync(cancellationToken)), StarterActions()), cancellationToken);
            return;
        }

        var answer = answerer.Ask(text.Length > MandateAnswerer.MaxQuestionLength ? text[..MandateAnswerer.MaxQuestionLength] : text);
        if (answer.Answered) memory.LastSection = answer.Sources[0].Section;
        var reply = MessageFactory.Text(answer.Answer);
        var actions = answer.Suggestions.Select(s => new CardAction(ActionTypes.ImBack, s, value: s)).ToList();
        actions.Add(new CardAction(ActionTypes.ImBack, EventsQuestion, value: EventsQuestion));
        await turnContext.SendActivityAsync(WithActions(reply, actions), cancellationToken);
    }

    private async Task<string> DescribeOpenEventsAsync(CancellationToken cancellationToken)
    {
        var open = (await events.ListOpenAsync(cancellationToken)).Where(e => e.StartsAt >= time.GetUtcNow().AddDays(-1)).ToList();
        if (open.Count == 0) return "No Zhongguancun Forum events are open for registration right now.";

        var text = new StringBuilder("Zhongguancun Forum events open for registration:");
        foreach (var e in open.OrderBy(e => e.StartsAt))
        {
            var local = TimeZoneInfo.ConvertTime(e.StartsAt, Shanghai);
            var seats = e.SeatsLeft > 0 ? $"{e.SeatsLeft} seat{(e.SeatsLeft == 1 ? "" : "s")} left" : "full (waitlist open)";
            text.Append($"\n- {e.Title} ({e.EventId}), {local:yyyy-MM-dd HH:mm} Beijing time — {seats}");
        }

        return text.ToString();
    }

    private static List<CardAction> StarterActions() =>
    [
        new(ActionTypes.ImBack, "Who prepares the Zhongguancun Forum?", value: "Who prepares the Zhongguancun Forum?"),
        new(ActionTypes.ImBack, "Who handles technology export?", value: "Who handles technology export?"),
        new(ActionTypes.ImBack, EventsQuestion, value: EventsQuestion),
    ];

    private static IMessageActivity WithActions(IMessageActivity activity, IList<CardAction> actions)
    {
        activity.SuggestedActions = new SuggestedActions { Actions = actions };
        return activity;
    }

    [GeneratedRegex(@"^\s*(help|\?|menu|帮助)\s*[.!?]*\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex HelpWords();

    // "which forum events are open?", "open events", "upcoming events with seats", "can I register for an event" ...
    [GeneratedRegex(@"\b(events?)\b.*\b(open|upcoming|available|register|registration|seats?|sign ?up|list)\b|\b(open|upcoming|available|list)\b.*\bevents?\b|活动.*(报名|名额|开放)|(开放|报名).*活动", RegexOptions.IgnoreCase)]
    private static partial Regex EventsWords();
}

/// <summary>What the bot keeps per conversation (cleared when a turn fails).</summary>
public sealed class ConversationMemory
{
    public int Turns { get; set; }

    public string? LastSection { get; set; }
}

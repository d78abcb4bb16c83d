using ForumCloud.Bot.Conversation;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Mandate;

/// <summary>Every bot behaviour through Bot Framework's TestAdapter.</summary>
public sealed class MandateBotTests
{
    private sealed class FakeEvents(params OpenForumEvent[] events) : IOpenEventsSource
    {
        public Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<OpenForumEvent>>(events);
    }

    private sealed class FailingEvents : IOpenEventsSource
    {
        public Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) => throw new InvalidOperationException("events table down");
    }

    internal static MandateConversation Conversation(IOpenEventsSource? events = null, IUnansweredQuestions? unanswered = null) =>
        new(MandateKnowledgeTests.Answerer.Value, events ?? new FakeEvents(), unanswered ?? new NoUnansweredRecord(), TimeProvider.System, NullLogger<MandateConversation>.Instance);

    private static (TestAdapter Adapter, MandateBot Bot) Create(IOpenEventsSource? events = null)
    {
        var bot = new MandateBot(Conversation(events));
        var adapter = new TestAdapter();
        adapter.OnTurnError = TurnErrors.Handler(NullLogger.Instance);
        return (adapter, bot);
    }

    private static async Task<List<IActivity>> SendAsync(TestAdapter adapter, IBot bot, Activity activity)
    {
        await adapter.ProcessActivityAsync(activity, bot.OnTurnAsync, CancellationToken.None);
        var replies = new List<IActivity>();
        while (adapter.GetNextReply() is { } reply) replies.Add(reply);
        return replies;
    }

    private static Activity Message(TestAdapter adapter, string text)
    {
        var activity = adapter.MakeActivity(text);
        return activity;
    }

    [Fact]
    public async Task Welcomes_a_person_who_joins_but_not_the_bot_itself()
    {
        var (adapter, bot) = Create();
        var update = adapter.MakeActivity();
        update.Type = ActivityTypes.ConversationUpdate;
        update.Text = null;
        update.MembersAdded = [update.Recipient, new ChannelAccount("person-1", "Ada")];

        var replies = await SendAsync(adapter, bot, update);

        var welcome = Assert.Single(replies);
        Assert.Contains("Hello!", welcome.AsMessageActivity().Text);
        Assert.NotEmpty(welcome.AsMessageActivity().SuggestedActions.Actions);
    }

    [Fact]
    public async Task Help_explains_what_the_bot_covers()
    {
        var (adapter, bot) = Create();
        var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "help")));
        Assert.Contains("duties I–XIX", reply.AsMessageActivity().Text);
        Assert.Contains(reply.AsMessageActivity().SuggestedActions.Actions, a => (string)a.Value == MandateBot.EventsQuestion);
        Assert.Contains("duties I–XIX", reply.AsMessageActivity().Text);
    }

    [Fact]
    public async Task Answers_cite_the_duty_and_offer_follow_ups()
    {
        var (adapter, bot) = Create();
        var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "Who prepares the Zhongguancun Forum?"))).AsMessageActivity();
        Assert.StartsWith("Duty XV — International cooperation and the Zhongguancun Forum", reply.Text);
        Assert.True(reply.SuggestedActions.Actions.Count >= 2);
        Assert.All(reply.SuggestedActions.Actions, a => Assert.Equal(ActionTypes.ImBack, a.Type));
    }

    [Fact]
    public async Task Off_topic_messages_get_the_fallback_with_closest_sections()
    {
        var (adapter, bot) = Create();
        var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "what's the weather like tomorrow?"))).AsMessageActivity();
        Assert.Contains("I can only answer questions about the mandate", reply.Text);
        Assert.NotEmpty(reply.SuggestedActions.Actions);
    }

    [Fact]
    public async Task Lists_open_forum_events_with_seats_left()
    {
        var soon = DateTimeOffset.UtcNow.AddDays(10);
        var (adapter, bot) = Create(new FakeEvents(
            new OpenForumEvent("zgc-forum-plenary", "Zhongguancun Forum opening plenary", soon, 120),
            new OpenForumEvent("tech-trading-fair", "Technology trading fair", soon.AddDays(1), 0)));

        var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "Which forum events are open?"))).AsMessageActivity();

        Assert.Contains("Zhongguancun Forum opening plenary (zgc-forum-plenary)", reply.Text);
        Assert.Contains("120 seats left", reply.Text);
        Assert.Contains("Technology trading fair (tech-trading-fair)", reply.Text);
        Assert.Contains("full (waitlist open)", reply.Text);
    }

    [Fact]
    public async Task A_question_about_science_popularization_activities_is_not_taken_for_an_events_request()
    {
        var (adapter, bot) = Create(new FakeEvents());
        var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "科普活动由谁负责？"))).AsMessageActivity();
        Assert.Contains("Duty IV", reply.Text);
        Assert.Contains("第四项职责", reply.Text);
    }

    [Fact]
    public async Task Says_so_when_no_event_is_open()
    {
        var (adapter, bot) = Create(new FakeEvents());
        var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "any upcoming events?"))).AsMessageActivity();
        Assert.Contains("No Zhongguancun Forum events are open", reply.Text);
    }

    [Fact]
    public async Task A_failing_turn_is_apologised_for_and_the_next_turn_is_answered()
    {
        var (adapter, bot) = Create(new FailingEvents());

        var replies = await SendAsync(adapter, bot, Message(adapter, "which forum events are open?"));
        Assert.Contains(replies, r => r.AsMessageActivity().Text == TurnErrors.Apology);

        var next = Assert.Single(await SendAsync(adapter, bot, Message(adapter, "Who prepares the Zhongguancun Forum?"))).AsMessageActivity();
        Assert.StartsWith("Duty XV", next.Text);
    }

    [Fact]
    public async Task On_direct_line_the_page_join_event_greets_and_the_conversation_update_does_not()
    {
        var (adapter, bot) = Create();
        var update = adapter.MakeActivity();
        update.Type = ActivityTypes.ConversationUpdate;
        update.ChannelId = "directline";
        update.Text = null;
        update.MembersAdded = [new ChannelAccount("person-1", "Ada")];
        Assert.Empty(await SendAsync(adapter, bot, update));

        var join = adapter.MakeActivity();
        join.Type = ActivityTypes.Event;
        join.Name = MandateBot.JoinEvent;
        join.Text = null;
        var welcome = Assert.Single(await SendAsync(adapter, bot, join)).AsMessageActivity();
        Assert.Equal(MandateConversation.WelcomeText, welcome.Text);
    }

    [Fact]
    public async Task The_bot_reply_is_the_conversation_core_reply()
    {
        var (adapter, bot) = Create();
        foreach (var text in new[] { "help", "Who prepares the Zhongguancun Forum?", "what's the weather tomorrow?", "谁负责技术进出口？", "Show the whole duty XII" })
        {
            var core = await Conversation().ReplyAsync(text, CancellationToken.None);
            var reply = Assert.Single(await SendAsync(adapter, bot, Message(adapter, text))).AsMessageActivity();
            Assert.Equal(core.Answer, reply.Text);
            Assert.Equal(core.Suggestions, reply.SuggestedActions.Actions.Select(a => (string)a.Value));
        }
    }
}

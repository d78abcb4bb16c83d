using ForumCloud.Bot.Conversation;

namespace ForumCloud.Tests.Mandate;

/// <summary>The one conversation core: task routing from the live app, the whole duty, yes/no and Chinese framing, refusals recorded without personal data.</summary>
public sealed class MandateConversationTests
{
    private sealed class Events(params OpenForumEvent[] events) : IOpenEventsSource
    {
        public Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<OpenForumEvent>>(events);
    }

    private sealed class Recorded : IUnansweredQuestions
    {
        public List<string> Questions { get; } = [];

        public Task RecordAsync(string normalisedQuestion, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Questions.Add(normalisedQuestion);
            return Task.CompletedTask;
        }
    }

    private static readonly OpenForumEvent Plenary = new("zgc-forum-plenary", "Zhongguancun Forum opening plenary", DateTimeOffset.UtcNow.AddDays(20), 42, "Zhongguancun National Innovation Demonstration Zone Exhibition Center");

    [Theory]
    [InlineData("When and where is the next Zhongguancun Forum held?")]
    [InlineData("How do I register for the forum?")]
    [InlineData("中关村论坛什么时候在哪里举办？")]
    public async Task Forum_and_registration_questions_are_answered_from_the_live_events_and_cite_duty_XV(string question)
    {
        var reply = await MandateBotTests.Conversation(new Events(Plenary)).ReplyAsync(question, CancellationToken.None);
        Assert.Equal(ReplyKind.Task, reply.Kind);
        Assert.Contains("zgc-forum-plenary", reply.Answer);
        Assert.Contains("42", reply.Answer);
        Assert.Contains("Exhibition Center", reply.Answer);
        Assert.Contains("/api/events/{eventId}/registrations", reply.Answer);
        Assert.Equal("XV", reply.Sources[0].Section);
        Assert.Contains("preparation of the Zhongguancun Forum", reply.Answer);
    }

    [Fact]
    public async Task Filing_a_technology_contract_names_the_endpoint_and_the_mandate_sentence()
    {
        var reply = await MandateBotTests.Conversation().ReplyAsync("Where do I register a technology export contract?", CancellationToken.None);
        Assert.Equal(ReplyKind.Task, reply.Kind);
        Assert.Contains("POST /api/filings", reply.Answer);
        Assert.Contains("Lead and organize technology export and technology introduction work.", reply.Answer);
        Assert.Contains("Show the whole duty XV", reply.Suggestions);
    }

    [Fact]
    public async Task Registering_a_partner_names_the_partner_endpoint()
    {
        var reply = await MandateBotTests.Conversation().ReplyAsync("How can our university register as a partner?", CancellationToken.None);
        Assert.Equal(ReplyKind.Task, reply.Kind);
        Assert.Contains("POST /api/partners", reply.Answer);
        Assert.Contains("foreign partners", reply.Answer);
    }

    [Fact]
    public async Task An_answer_offers_the_whole_duty_and_the_follow_up_shows_it()
    {
        var conversation = MandateBotTests.Conversation();
        var answer = await conversation.ReplyAsync("Who prepares the Zhongguancun Forum?", CancellationToken.None);
        Assert.Equal("Show the whole duty XV", answer.Suggestions[0]);
        Assert.DoesNotContain("Draw up plans, policies", answer.Answer);

        var whole = await conversation.ReplyAsync(answer.Suggestions[0], CancellationToken.None);
        Assert.Equal(ReplyKind.WholeSection, whole.Kind);
        Assert.Contains("XV. Draw up plans, policies, and measures", whole.Answer);
        Assert.Contains("preparation of the Zhongguancun Forum and other relevant work.", whole.Answer);
    }

    [Fact]
    public async Task A_yes_no_question_says_what_the_mandate_does_not_mention_and_what_it_says()
    {
        var reply = await MandateBotTests.Conversation().ReplyAsync("Does the commission issue visas for foreign experts?", CancellationToken.None);
        Assert.True(reply.Answered);
        Assert.StartsWith("The mandate does not mention “visas”.", reply.Answer);
        Assert.Contains("Duty XII — Foreign experts and overseas talent", reply.Answer);
    }

    [Fact]
    public async Task A_chinese_question_gets_chinese_framing_around_the_english_quote_with_the_note_said_once()
    {
        var reply = await MandateBotTests.Conversation().ReplyAsync("谁负责外国专家工作？", CancellationToken.None);
        Assert.True(reply.Answered);
        Assert.Contains("第十二项职责", reply.Answer);
        Assert.Contains("foreign experts", reply.Answer);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(reply.Answer, "只有英文版本"));
        Assert.Equal("显示完整职责 XII", reply.Suggestions[0]);
        Assert.Equal(MandateConversation.EventsQuestionZh, reply.Suggestions[^1]);

        var refusal = await MandateBotTests.Conversation().ReplyAsync("明天天气怎么样？", CancellationToken.None);
        Assert.False(refusal.Answered);
        Assert.StartsWith("抱歉", refusal.Answer);
        Assert.Contains(MandateConversation.HelpTextZh, (await MandateBotTests.Conversation().ReplyAsync("帮助", CancellationToken.None)).Answer);
    }

    [Fact]
    public async Task Refused_questions_are_recorded_normalised_without_personal_data()
    {
        var recorded = new Recorded();
        var conversation = MandateBotTests.Conversation(unanswered: recorded);
        await conversation.ReplyAsync("Best hot-pot near ZGC? Mail me at ada.lovelace@example.org or call +86 138 0013 8000!", CancellationToken.None);
        await conversation.ReplyAsync("Who prepares the Zhongguancun Forum?", CancellationToken.None);

        var question = Assert.Single(recorded.Questions);
        Assert.DoesNotContain("ada", question);
        Assert.DoesNotContain("138", question);
        Assert.Contains("[email]", question);
        Assert.Contains("[number]", question);
        Assert.Equal(question.ToLowerInvariant(), question);
        Assert.True(question.Length <= UnansweredText.MaxLength);
    }

    [Fact]
    public void Normalising_collapses_punctuation_and_case_so_the_same_question_counts_once() =>
        Assert.Equal(UnansweredText.Normalise("Where's the  GYM??"), UnansweredText.Normalise("where s the gym"));
}

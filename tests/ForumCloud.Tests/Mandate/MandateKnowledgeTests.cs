using ForumCloud.Bot.Knowledge;

namespace ForumCloud.Tests.Mandate;

public sealed class MandateKnowledgeTests
{
    internal static readonly Lazy<MandateAnswerer> Answerer = new(() => MandateAnswerer.FromSeeds());

    [Fact]
    public void The_mandate_splits_into_its_sections_in_order()
    {
        var ids = Answerer.Value.Index.Sections.Select(s => s.Id).ToArray();
        string[] expected = ["intro", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX.1", "XX.2", "XX.3", "XX.4", "XX.5", "XXI"];
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void Section_text_is_the_mandate_verbatim()
    {
        var mandate = File.ReadAllText(Path.Combine(MandateSeeds.DefaultDirectory, MandateSeeds.MandateFile));
        foreach (var section in Answerer.Value.Index.Sections) Assert.Contains(section.Text, mandate);
        var xv = Answerer.Value.Index.Sections.Single(s => s.Id == "XV");
        Assert.StartsWith("XV. Draw up plans", xv.Text);
        Assert.Contains("preparation of the Zhongguancun Forum", xv.Text);
        Assert.StartsWith("4. Fully facilitate", Answerer.Value.Index.Sections.Single(s => s.Id == "XX.4").Text);
    }

    [Fact]
    public void The_forum_question_quotes_duty_XV_and_cites_it()
    {
        var answer = Answerer.Value.Ask("Who prepares the Zhongguancun Forum?");
        Assert.True(answer.Answered);
        Assert.Equal("XV", answer.Sources[0].Section);
        Assert.StartsWith("Duty XV — International cooperation and the Zhongguancun Forum", answer.Answer);
        Assert.Contains("for the preparation of the Zhongguancun Forum", answer.Answer);
        Assert.NotEmpty(answer.Suggestions);
    }

    [Theory]
    [InlineData("What's the weather in Beijing tomorrow?")]
    [InlineData("who won the football match last night")]
    [InlineData("best recipe for dumplings")]
    [InlineData("what is 12 * 7")]
    public void Off_topic_questions_are_refused_with_what_the_bot_covers(string question)
    {
        var answer = Answerer.Value.Ask(question);
        Assert.False(answer.Answered);
        Assert.Empty(answer.Sources);
        Assert.Contains("I can only answer questions about the mandate", answer.Answer);
        Assert.NotEmpty(answer.Suggestions);
    }

    [Fact]
    public void Abbreviations_and_typos_reach_the_section()
    {
        Assert.Equal("XV", Answerer.Value.Ask("zgc forum organiser").Sources[0].Section);
        Assert.Equal("IX", Answerer.Value.Ask("tecnology transfer system").Sources[0].Section);
        Assert.Equal("XII", Answerer.Value.Ask("foriegn experts").Sources[0].Section);
    }

    [Fact]
    public void A_chinese_question_names_the_section_in_both_languages_and_quotes_the_english_text()
    {
        var answer = Answerer.Value.Ask("谁负责技术进出口工作？");
        Assert.True(answer.Answered);
        Assert.Equal("XV", answer.Sources[0].Section);
        Assert.Contains("Duty XV — International cooperation and the Zhongguancun Forum", answer.Answer);
        Assert.Contains("第十五项职责", answer.Answer);
        Assert.Contains("国际科技合作与中关村论坛", answer.Answer);
        Assert.Contains("Lead and organize technology export and technology introduction work.", answer.Answer);
    }

    [Fact]
    public void Confidence_is_a_share_between_zero_and_one()
    {
        var answer = Answerer.Value.Ask("international science and technology cooperation with foreign partners");
        Assert.All(answer.Sources, s => Assert.InRange(s.Score, 0, 1));
        Assert.True(answer.Sources[0].Score >= MandateAnswerer.Threshold);
    }
}

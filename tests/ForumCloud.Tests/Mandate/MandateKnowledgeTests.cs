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
    [InlineData("best restaurant in Zhongguancun")]
    [InlineData("subway to Zhongguancun")]
    [InlineData("what is the capital of australia")]
    [InlineData("my colleague and I will fly in from Munich for the Zhongguancun Forum, which airport is closer and how long is the taxi ride")]
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
    public void An_answer_quotes_a_piece_of_the_section_never_the_whole_paragraph()
    {
        foreach (var question in new[] { "Who coordinates the Three Cities and One Area?", "who supports basic research", "who runs the technology market", "who looks after the sub-parks' spatial planning" })
        {
            var answer = Answerer.Value.Ask(question);
            Assert.True(answer.Answered, question);
            var section = Answerer.Value.Section(answer.Sources[0].Section)!;
            Assert.True(answer.Quote.Length <= 2 * ForumCloud.Bot.Knowledge.Sentences.MaxUnitLength + 8, $"{question}: a {answer.Quote.Length}-character quote");
            Assert.True(answer.Quote.Length < section.Text.Length || section.Text.Length <= ForumCloud.Bot.Knowledge.Sentences.MaxUnitLength, question);
            foreach (var piece in answer.Quote.Split(" … ").Select(p => p.Trim('…', ' ')).Where(p => p.Length > 0)) Assert.Contains(piece, section.Text);
        }
    }

    [Fact]
    public void A_message_of_250_kilobytes_is_cut_to_500_characters_before_matching()
    {
        var huge = "Who prepares the Zhongguancun Forum? " + string.Concat(Enumerable.Repeat("zhongguancun events register forum ", 7500));
        Assert.True(huge.Length > 250_000);
        var answer = Answerer.Value.Ask(huge);
        Assert.Equal(Answerer.Value.Ask(huge[..MandateAnswerer.MaxQuestionLength]).Answer, answer.Answer);
    }

    [Fact]
    public void The_committed_knowledge_vectors_match_the_seeds()
    {
        // A seeds edit without `forumcloud-bot vectors` would make every instance compute them at start (seconds, not the cold-start budget).
        var repoSeeds = Path.Combine(ForumCloud.Tests.Infra.BicepCli.RepoRoot, "seeds");
        Assert.True(KnowledgeVectors.IsCurrent(repoSeeds, MandateSeeds.Load(repoSeeds), SentenceEmbedding.Default),
            "seeds/mandate-vectors.arcticxs.bin does not match the seeds: run `dotnet run --project bot/ForumCloud.Bot.Cli -- vectors` and commit it.");
        Assert.True(Answerer.Value.VectorsFromFile);
    }

    [Fact]
    public void Confidence_is_a_share_between_zero_and_one()
    {
        var answer = Answerer.Value.Ask("international science and technology cooperation with foreign partners");
        Assert.All(answer.Sources, s => Assert.InRange(s.Score, 0, 1));
        Assert.True(answer.Sources[0].Score >= MandateAnswerer.Threshold);
    }

    [Fact]
    public void A_country_named_in_a_question_reaches_the_international_duties()
    {
        // "France" is no mandate word; it stands for what duty XV calls foreign and international.
        var answer = Answerer.Value.Ask("how can my research institute in France collaborate with labs in Beijing");
        Assert.True(answer.Answered);
        Assert.Equal("XV", answer.Sources[0].Section);
    }

    [Fact]
    public void The_calibration_comes_from_the_seeds_and_names_only_known_features()
    {
        var directory = Directory.CreateTempSubdirectory("forumcloud-seeds-");
        try
        {
            foreach (var file in Directory.GetFiles(MandateSeeds.DefaultDirectory)) File.Copy(file, Path.Combine(directory.FullName, Path.GetFileName(file)));
            Assert.Contains("cosine", MandateSeeds.Load(directory.FullName).Calibration.Keys);
            File.WriteAllText(Path.Combine(directory.FullName, MandateSeeds.CalibrationFile), """{ "weights": { "intercept": 1, "cosinus": 2 } }""");
            var error = Assert.Throws<InvalidDataException>(() => MandateSeeds.Load(directory.FullName));
            Assert.Contains("cosinus", error.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

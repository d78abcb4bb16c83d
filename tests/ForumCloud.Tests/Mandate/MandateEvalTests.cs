using ForumCloud.Bot.Knowledge;
using Xunit.Abstractions;

namespace ForumCloud.Tests.Mandate;

/// <summary>The evaluation sets in tests/eval must meet the targets. Latencies are printed, not asserted (a benchmark, not a timed test).</summary>
public sealed class MandateEvalTests(ITestOutputHelper output)
{
    [Fact]
    public void English_set_meets_the_targets()
    {
        var summary = Run("mandate-en.jsonl");
        Assert.True(summary.OnTopic >= 100, $"{summary.OnTopic} on-topic questions");
        Assert.True(summary.OffTopic >= 20, $"{summary.OffTopic} off-topic questions");
        Assert.True(summary.Top1 >= 0.95, $"top1 {summary.Top1}");
        Assert.True(summary.Top3 >= 0.99, $"top3 {summary.Top3}");
        Assert.True(summary.Refused >= 0.95, $"refused {summary.Refused}");
        Assert.True(summary.FalseRefusals <= 0.03 * summary.OnTopic, $"false refusals {summary.FalseRefusals}");
    }

    [Fact]
    public void Chinese_set_meets_the_target()
    {
        var summary = Run("mandate-zh.jsonl");
        Assert.True(summary.OnTopic >= 20, $"{summary.OnTopic} Chinese questions");
        Assert.True(summary.Top1 >= 0.85, $"top1 {summary.Top1}");
    }

    [Fact]
    public void Tuning_set_of_plain_language_questions_keeps_what_the_hybrid_retriever_reached()
    {
        // The figures the weights were tuned to (README); a seeds or weights change that loses ground fails here, not on the holdout.
        var summary = Run("mandate-tuning-en.jsonl");
        Assert.True(summary.Top1 >= 0.9, $"top1 {summary.Top1}");
        Assert.True(summary.Refused >= 0.9, $"refused {summary.Refused}");
        Assert.True(summary.FalseRefusals <= 3, $"false refusals {summary.FalseRefusals}");
    }

    [Fact]
    public void Dev_set_of_wordy_paraphrases_typos_and_near_topic_questions_keeps_what_the_calibration_reached()
    {
        // The set the refusal calibration was fitted on with the two above (README); the holdout is never tuned on.
        var summary = Run("mandate-dev-en.jsonl");
        Assert.True(summary.OnTopic >= 90 && summary.OffTopic >= 50, $"{summary.OnTopic} on-topic, {summary.OffTopic} must-refuse questions");
        Assert.True(summary.Top3 >= 0.93, $"top3 {summary.Top3}");
        Assert.True(summary.Refused >= 0.9, $"refused {summary.Refused}");
        Assert.True(summary.FalseRefusals <= 0.05 * summary.OnTopic, $"false refusals {summary.FalseRefusals}");
    }

    [Fact]
    public void Second_dev_sets_in_chinese_and_english_keep_what_the_glossary_and_the_cues_reached()
    {
        // Written by a colleague from mandate.txt alone and tuned on (the glossary, the Chinese and the new English
        // practical-detail cues); the holdouts 4 and zh were written at the same time and not tuned on.
        var chinese = Run("mandate-dev2-zh.jsonl");
        Assert.True(chinese.OnTopic >= 150 && chinese.OffTopic >= 30, $"{chinese.OnTopic} on-topic, {chinese.OffTopic} must-refuse questions");
        Assert.True(chinese.Top1 >= 0.93, $"top1 {chinese.Top1}");
        Assert.True(chinese.Refused >= 0.95, $"refused {chinese.Refused}");
        Assert.True(chinese.FalseRefusals <= 0.03 * chinese.OnTopic, $"false refusals {chinese.FalseRefusals}");
        var english = Run("mandate-dev2-en.jsonl");
        Assert.True(english.Top3 >= 0.92, $"top3 {english.Top3}");
        Assert.True(english.Refused >= 0.95, $"refused {english.Refused}");
        Assert.True(english.FalseRefusals <= 0.03 * english.OnTopic, $"false refusals {english.FalseRefusals}");
    }

    [Fact]
    public void The_english_set_asks_about_every_section_at_least_three_times()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "eval", "mandate-en.jsonl")).Where(l => l.Trim().Length > 0);
        var counts = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("expect", out var x) && x.GetArrayLength() > 0)
            .Select(e => e.GetProperty("expect")[0].GetString()!)
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        foreach (var section in MandateKnowledgeTests.Answerer.Value.Index.Sections)
        {
            Assert.True(counts.GetValueOrDefault(section.Id) >= 3, $"section {section.Id}: {counts.GetValueOrDefault(section.Id)} questions");
        }
    }

    private EvalSummary Run(string file)
    {
        var misses = new StringWriter();
        // One untimed pass: these tests assert accuracy, which the warm-up does not change; the steady latencies are the
        // CLI's (`eval`, three passes), so the ones printed here include tier-up and start-up collections.
        var summary = MandateEvaluation.Run(MandateKnowledgeTests.Answerer.Value, File.ReadLines(Path.Combine(AppContext.BaseDirectory, "eval", file)), misses, warmPasses: 1);
        output.WriteLine(misses.ToString());
        output.WriteLine(summary.ToJson());
        return summary;
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ForumCloud.Bot.Knowledge;

/// <summary>
/// The CLI's `eval FILE.jsonl` (and the eval test): each line {"q": "...", "expect": ["XV", ...]}; no or empty expect means off-topic (must be refused).
/// Prints one line per miss, then one JSON summary line (the contract's last line).
/// </summary>
public static class MandateEvaluation
{
    public static EvalSummary Run(MandateAnswerer answerer, IEnumerable<string> lines, TextWriter? misses = null)
    {
        var items = lines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("//", StringComparison.Ordinal)).Select(Parse).ToList();
        // A few untimed questions first (English, a typo, Chinese, off-topic): first calls pay for JIT compilation, not for answering.
        foreach (var warmUp in new[] { "warm-up question about the Zhongguancun Forum", "tecnology exprot", "中关村论坛", "what is the weather" }) answerer.Ask(warmUp);

        int onTopic = 0, top1 = 0, top3 = 0, offTopic = 0, refused = 0, falseRefusals = 0;
        var latencies = new List<double>();
        foreach (var (question, expect) in items)
        {
            var clock = Stopwatch.StartNew();
            var answer = answerer.Ask(question);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var got = answer.Sources.Select(s => s.Section).ToList();
            if (expect.Count == 0)
            {
                offTopic++;
                if (!answer.Answered) refused++;
                else misses?.WriteLine($"ANSWERED off-topic: {question} -> {string.Join(",", got)} {Describe(answerer, answer)}");
                continue;
            }

            onTopic++;
            if (!answer.Answered) falseRefusals++;
            if (got.Count > 0 && expect.Contains(got[0])) top1++;
            else misses?.WriteLine($"MISS top1 [{string.Join(",", expect)}] {(answer.Answered ? "" : "(refused) ")}{question} -> {string.Join(",", got)} | {string.Join(" / ", answer.SuggestedSections)} {Describe(answerer, answer)}");
            if (got.Take(3).Any(expect.Contains)) top3++;
        }

        latencies.Sort();
        return new EvalSummary(items.Count, onTopic, Share(top1, onTopic), Share(top3, onTopic), offTopic, Share(refused, offTopic), falseRefusals,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), Math.Round(answerer.Index.BuildMilliseconds, 1));
    }

    private static string Describe(MandateAnswerer answerer, MandateAnswer answer) =>
        answer.Features is { } f ? $"(cos {f.Cosine:F3}, coverage {f.Coverage:F2}, margin {f.Margin:F3}, out-of-scope {f.OutOfScope:F3}, confidence {answerer.Logistic(f):F2})" : "";

    /// <summary>
    /// Fits the confidence's logistic calibration (intercept, cosine, coverage, margin, out-of-scope cosine) on English questions of the
    /// given sets: label 1 for on-topic, 0 for questions that must be refused. Plain batch gradient descent with a
    /// little L2; 5 parameters and a few hundred questions need nothing more.
    /// </summary>
    public static double[] Calibrate(MandateAnswerer answerer, IEnumerable<string> lines)
    {
        var samples = new List<(double[] X, double Y)>();
        const int n = 5;
        foreach (var (question, expect) in lines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("//", StringComparison.Ordinal)).Select(Parse))
        {
            var answer = answerer.Ask(question);
            if (answer.Chinese || answer.Features is not { } f) continue;
            samples.Add((f.Vector, expect.Count > 0 ? 1 : 0));
        }

        var w = new double[n];
        for (var step = 0; step < 50000; step++)
        {
            var gradient = new double[n];
            foreach (var (x, y) in samples)
            {
                var z = 0.0;
                for (var j = 0; j < n; j++) z += w[j] * x[j];
                var p = 1 / (1 + Math.Exp(-z));
                for (var j = 0; j < n; j++) gradient[j] += (p - y) * x[j];
            }

            for (var j = 0; j < n; j++) w[j] -= 1.0 * (gradient[j] / samples.Count + (j == 0 ? 0 : 1e-4 * w[j]));
        }

        return w.Select(v => Math.Round(v, 2)).ToArray();
    }

    private static (string Question, List<string> Expect) Parse(string line)
    {
        var node = JsonNode.Parse(line) ?? throw new FormatException($"Not a JSON object: {line}");
        var question = node["q"]?.GetValue<string>() ?? throw new FormatException($"No \"q\": {line}");
        var expect = node["expect"]?.AsArray().Select(e => e!.GetValue<string>()).ToList() ?? [];
        return (question, expect);
    }

    private static double Share(int count, int total) => total == 0 ? 0 : Math.Round(count / (double)total, 3);

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 3);
}

public sealed record EvalSummary(int Questions, int OnTopic, double Top1, double Top3, int OffTopic, double Refused, int FalseRefusals, double P50Ms, double P99Ms, double IndexBuildMs)
{
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}

using System.Diagnostics;
using System.Text.Json;
using ForumCloud.Bot.Cli;
using ForumCloud.Bot.Conversation;
using ForumCloud.Bot.Knowledge;
using Microsoft.Extensions.Logging.Abstractions;

// The mandate bot from a terminal: chat (the real bot through a console adapter), ask, eval, and the tools that keep
// the knowledge vectors and the confidence calibration current (vectors, calibrate).
Console.OutputEncoding = System.Text.Encoding.UTF8;
var (positional, options, calibration) = CliOptions.Parse(args);
var command = positional.FirstOrDefault();
switch (command)
{
    case "ask" when positional.Count >= 2:
    {
        // The /api/ask JSON, from the same conversation core (no storage here: no events, refusals not recorded).
        var conversation = new MandateConversation(MandateAnswerer.FromSeeds(options: options), new NoEvents(), new NoUnansweredRecord(), TimeProvider.System, NullLogger<MandateConversation>.Instance);
        var reply = await conversation.ReplyAsync(string.Join(' ', positional.Skip(1)), CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(reply, CliJson.Options));
        return 0;
    }
    case "eval" when positional.Count == 2:
    {
        if (!File.Exists(positional[1]))
        {
            Console.Error.WriteLine($"No such file: {positional[1]}");
            return 2;
        }

        var answerer = MandateAnswerer.FromSeeds(options: options);
        // The first answer after the process started: runtime start, seeds, index, model, vectors, and one question's JIT-cold path.
        answerer.Ask("Who prepares the Zhongguancun Forum?");
        var firstAnswer = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.Error.WriteLine($"retrieval {answerer.Options.Mode}, fusion {answerer.Options.Fusion}; cold start {answerer.ColdStartMilliseconds:F0} ms (vectors from file: {answerer.VectorsFromFile}); first answer {firstAnswer.TotalMilliseconds:F0} ms after the process started");
        var summary = MandateEvaluation.Run(answerer, File.ReadLines(positional[1]), Console.Out);
        Console.WriteLine(summary.ToJson());
        return 0;
    }
    case "calibrate" when positional.Count >= 2:
    {
        // Fits the refusal's logistic calibration on tuning sets (never the holdout) and prints each candidate feature
        // set's 5-fold cross-validated errors beside its weights; --features and --negative-weight choose what is fitted.
        var answerer = MandateAnswerer.FromSeeds(options: options);
        var samples = MandateEvaluation.Samples(answerer, positional.Skip(1).SelectMany(File.ReadLines));
        var names = ConfidenceFeatures.Names;
        var featureSets = calibration.Features is { } chosen ? [chosen] : new[] { "cosine,coverage,outOfScope", "cosine,coverage,outOfScope,practicalDetail", "cosine,coverage,margin,outOfScope,practicalDetail", string.Join(',', names) };
        foreach (var set in featureSets)
        {
            var use = names.Select(n => set.Split(',').Contains(n)).ToArray();
            var weights = MandateEvaluation.Fit(samples, use, calibration.NegativeWeight);
            var (falseRefusals, onTopic, wronglyAnswered, offTopic) = MandateEvaluation.CrossValidate(samples, use, calibration.NegativeWeight);
            var named = new Dictionary<string, double> { ["intercept"] = weights[0] };
            for (var j = 0; j < names.Length; j++) if (use[j]) named[names[j]] = weights[j + 1];
            Console.WriteLine(JsonSerializer.Serialize(new { features = set, crossValidated = new { falseRefusals, onTopic, wronglyAnswered, offTopic }, weights = named }));
        }

        return 0;
    }
    case "sweep" when positional.Count >= 2:
    {
        // Fusion weights over a small grid on tuning sets (never the holdout): one index, model and vectors for all; only
        // top1 and top3 are read, so no warm-up passes.
        var lines = positional.Skip(1).SelectMany(File.ReadLines).ToList();
        var seeds = MandateSeeds.Load();
        var index = new MandateIndex(seeds);
        var embedding = new SentenceEmbedding(options.Model);
        var vectors = KnowledgeVectors.LoadOrCompute(MandateSeeds.DefaultDirectory, seeds, embedding);
        foreach (var mode in new[] { Retrieval.Bm25, Retrieval.Dense })
        {
            var summary = MandateEvaluation.Run(new MandateAnswerer(index, embedding, vectors, options with { Mode = mode }), lines, warmPasses: 0);
            Console.WriteLine($"{mode}: top1 {summary.Top1} top3 {summary.Top3}");
        }

        var rrf = MandateEvaluation.Run(new MandateAnswerer(index, embedding, vectors, options with { Fusion = Fusion.ReciprocalRank }), lines, warmPasses: 0);
        Console.WriteLine($"rrf: top1 {rrf.Top1} top3 {rrf.Top3}");
        foreach (var wd in new[] { 1.0, 2, 3, 5, 8 })
        foreach (var wb in new[] { 0.0, 0.25, 0.5, 1 })
        foreach (var wc in new[] { 0.0, 0.5, 1, 2 })
        {
            var summary = MandateEvaluation.Run(new MandateAnswerer(index, embedding, vectors, options with { Fusion = Fusion.Linear, FusionWeights = [wd, wb, wc] }), lines, warmPasses: 0);
            Console.WriteLine($"linear {wd},{wb},{wc}: top1 {summary.Top1} top3 {summary.Top3}");
        }

        return 0;
    }
    case "vectors":
    {
        // Recompute seeds/mandate-vectors.<model>.bin after editing the seeds (the answerer refuses a stale file and recomputes).
        var directory = positional.Count >= 2 ? positional[1] : Path.Combine(Directory.GetCurrentDirectory(), "seeds");
        var seeds = MandateSeeds.Load(directory);
        using var embedding = new SentenceEmbedding(options.Model);
        var clock = Stopwatch.StartNew();
        var vectors = KnowledgeVectors.LoadOrCompute(directory, seeds, embedding);
        Console.WriteLine($"{KnowledgeVectors.FileName(options.Model)}: {vectors.Passages.Count} passages, {(vectors.FromFile ? "already current" : "computed")} in {clock.ElapsedMilliseconds} ms");
        return 0;
    }
    case "chat":
        return await ChatCommand.RunAsync(Console.In, Console.Out);
    default:
        Console.Error.WriteLine("""
            usage: dotnet run --project bot/ForumCloud.Bot.Cli -- chat
                   dotnet run --project bot/ForumCloud.Bot.Cli -- ask "Who prepares the Zhongguancun Forum?"
                   dotnet run --project bot/ForumCloud.Bot.Cli -- eval tests/eval/mandate-en.jsonl [--retrieval hybrid|bm25|dense] [--fusion linear|reciprocalrank]
                   dotnet run --project bot/ForumCloud.Bot.Cli -- calibrate tests/eval/mandate-en.jsonl tests/eval/mandate-tuning-en.jsonl tests/eval/mandate-dev-en.jsonl [--features cosine,coverage,outOfScope] [--negative-weight 1]
                   dotnet run --project bot/ForumCloud.Bot.Cli -- sweep tests/eval/mandate-en.jsonl tests/eval/mandate-tuning-en.jsonl
                   dotnet run --project bot/ForumCloud.Bot.Cli -- vectors [seeds]
            """);
        return 2;
}

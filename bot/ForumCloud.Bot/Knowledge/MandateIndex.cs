using System.Diagnostics;
using System.Text;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace ForumCloud.Bot.Knowledge;

/// <summary>
/// The in-memory Lucene index over the mandate's sections (BM25; fields title, keywords and text with
/// decreasing boosts), built once at start-up. Besides ranking, it keeps each section's analysed terms
/// so the answerer can tell how much of a question a section actually covers (the confidence).
/// </summary>
public sealed class MandateIndex : IDisposable
{
    private const float TitleBoost = 3.0f;
    private const float KeywordsBoost = 2.0f;
    private const float TextBoost = 1.0f;

    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly MandateAnalysis _analysis;
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<string>> _vocabularyByLength = [];

    static MandateIndex() => BooleanQuery.MaxClauseCount = 8192;

    public MandateIndex(MandateSeeds seeds)
    {
        var clock = Stopwatch.StartNew();
        Seeds = seeds;
        Sections = seeds.Sections;
        _analysis = new MandateAnalysis(seeds.Abbreviations);
        var similarity = new BM25Similarity();

        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(MandateAnalysis.Version, _analysis.Index)
        {
            Similarity = similarity,
            // One small segment that lives in memory: no compound file, no merging.
            UseCompoundFile = false,
            MergePolicy = NoMergePolicy.NO_COMPOUND_FILES,
        }))
        {
            foreach (var section in Sections)
            {
                writer.AddDocument(new Document
                {
                    new TextField("title", section.Title, Field.Store.NO),
                    new TextField("keywords", string.Join(" ; ", section.Keywords.Concat(section.Synonyms)), Field.Store.NO),
                    new TextField("text", WithoutNumber(section.Text), Field.Store.NO),
                });
            }
            writer.Commit();
        }
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = similarity };
        // One segment written in order: document n is section n (nothing is stored, which keeps start-up short).
        if (_reader.MaxDoc != Sections.Count || _reader.Leaves.Count != 1) throw new InvalidOperationException("The mandate index must be one segment with one document per section.");
        SectionTerms = Sections.Select(s => new HashSet<string>(
            _analysis.Stems(s.Title).Concat(_analysis.Stems(string.Join(" ; ", s.Keywords.Concat(s.Synonyms)))).Concat(_analysis.Stems(WithoutNumber(s.Text))),
            StringComparer.Ordinal)).ToArray();
        TextVocabulary = new HashSet<string>(Sections.SelectMany(s => _analysis.Stems(WithoutNumber(s.Text))), StringComparer.Ordinal);
        OutOfScopeVocabulary = new HashSet<string>(seeds.OutOfScope.SelectMany(_analysis.Stems).Where(t => !SectionTerms.Any(terms => terms.Contains(t))), StringComparer.Ordinal);
        foreach (var term in SectionTerms.SelectMany(t => t)) _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
        foreach (var term in _documentFrequency.Keys)
        {
            if (!_vocabularyByLength.TryGetValue(term.Length, out var list)) _vocabularyByLength[term.Length] = list = [];
            list.Add(term);
        }

        SentenceStems = Sections.Select(s => Sentences.QuoteUnits(s.Text).Select(unit => (unit.Text, new HashSet<string>(_analysis.Stems(unit.Text)))).ToArray()).ToArray();
        QuoteUnits = Sections.Select(s => Sentences.QuoteUnits(s.Text)).ToArray();
        BuildMilliseconds = clock.Elapsed.TotalMilliseconds;
    }

    public MandateSeeds Seeds { get; }

    private static string WithoutNumber(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"^(?:[IVX]+|[1-9])\.\s", "", System.Text.RegularExpressions.RegexOptions.NonBacktracking);

    public IReadOnlyList<MandateSection> Sections { get; }

    public double BuildMilliseconds { get; }

    internal HashSet<string>[] SectionTerms { get; }

    /// <summary>Every analysed word of the mandate's own text (not the curated keywords): what the mandate mentions.</summary>
    internal HashSet<string> TextVocabulary { get; }

    /// <summary>The analysed words of the out-of-scope subjects that no section uses ("hotel", "taxi", "weather").</summary>
    internal HashSet<string> OutOfScopeVocabulary { get; }

    /// <summary>Per section, the analysed words of each quote unit (same order as <see cref="QuoteUnits"/>).</summary>
    internal (string Sentence, HashSet<string> Stems)[][] SentenceStems { get; }

    /// <summary>Per section, the pieces an answer quotes: sentences, long ones cut at clause boundaries.</summary>
    internal IReadOnlyList<QuoteUnit>[] QuoteUnits { get; }

    internal MandateAnalysis Analysis => _analysis;

    /// <summary>BM25 inverse document frequency over the sections; a term no section has gets the highest value.</summary>
    internal double Idf(string term)
    {
        var df = _documentFrequency.GetValueOrDefault(term);
        return Math.Log(1 + (Sections.Count - df + 0.5) / (df + 0.5));
    }

    /// <summary>The IDF of a word no section contains: the most evidence a single word can carry.</summary>
    internal double MaxIdf => Math.Log(1 + (Sections.Count + 0.5) / 0.5);

    internal bool IsKnown(string term) => _documentFrequency.ContainsKey(term);

    /// <summary>The closest indexed term to a misspelt one (one edit for 5+ letters, two for 8+), or null.</summary>
    internal string? Correct(string term)
    {
        var maxEdits = term.Length >= 8 ? 2 : term.Length >= 5 ? 1 : 0;
        if (maxEdits == 0) return null;
        string? best = null;
        var bestDistance = maxEdits + 1;
        var bestDf = 0;
        for (var length = term.Length - maxEdits; length <= term.Length + maxEdits; length++)
        {
            if (!_vocabularyByLength.TryGetValue(length, out var candidates)) continue;
            foreach (var candidate in candidates)
            {
                var distance = Edits.Distance(term, candidate, maxEdits);
                var df = _documentFrequency[candidate];
                if (distance < bestDistance || (distance == bestDistance && df > bestDf))
                {
                    best = candidate;
                    bestDistance = distance;
                    bestDf = df;
                }
            }
        }

        return bestDistance <= maxEdits ? best : null;
    }

    /// <summary>Ranks sections for weighted query terms; extra per-section boosts (from the glossary) are added to the score.</summary>
    internal List<(int Section, float Score)> Search(IEnumerable<(string Term, float Weight)> terms, IReadOnlyDictionary<int, float>? sectionBoosts = null, int take = 5, IEnumerable<(string First, string Second)>? pairs = null)
    {
        var query = new BooleanQuery();
        // Adjacent subject words found together ("foreign liaison", "basic research") count extra.
        foreach (var (first, second) in pairs ?? [])
        {
            foreach (var (field, boost) in new[] { ("keywords", KeywordsBoost), ("text", TextBoost) })
            {
                var phrase = new PhraseQuery { Slop = 1, Boost = boost };
                phrase.Add(new Term(field, first));
                phrase.Add(new Term(field, second));
                query.Add(phrase, Occur.SHOULD);
            }
        }

        foreach (var (term, weight) in terms)
        {
            query.Add(new TermQuery(new Term("title", term)) { Boost = TitleBoost * weight }, Occur.SHOULD);
            query.Add(new TermQuery(new Term("keywords", term)) { Boost = KeywordsBoost * weight }, Occur.SHOULD);
            query.Add(new TermQuery(new Term("text", term)) { Boost = TextBoost * weight }, Occur.SHOULD);
        }

        var scores = new Dictionary<int, float>();
        if (query.Clauses.Count > 0)
        {
            foreach (var hit in _searcher.Search(query, Sections.Count).ScoreDocs) scores[hit.Doc] = hit.Score;
        }

        if (sectionBoosts is not null)
        {
            foreach (var (section, boost) in sectionBoosts) scores[section] = scores.GetValueOrDefault(section) + boost;
        }

        return scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(take).Select(s => (s.Key, s.Value)).ToList();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analysis.Dispose();
    }
}

internal static class Edits
{
    /// <summary>Edit distance counting a swap of neighbours as one edit ("foriegn"), with an early exit once it exceeds max.</summary>
    public static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max) return max + 1;
        Span<int> before = stackalloc int[b.Length + 1];
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) current[j] = Math.Min(current[j], before[j - 2] + 1);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > max) return max + 1;
            previous.CopyTo(before);
            current.CopyTo(previous);
        }

        return previous[b.Length];
    }
}

internal static partial class Sentences
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[IVX]+|[1-9])\.\s+", System.Text.RegularExpressions.RegexOptions.NonBacktracking)]
    private static partial System.Text.RegularExpressions.Regex SectionNumber();

    /// <summary>The section's sentences, verbatim (the source lacks a space after one full stop: "experts.Draw").</summary>
    public static List<string> Of(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var paragraphBreak = text[i] == '\n' && i + 1 < text.Length && text[i + 1] == '\n';
            var end = paragraphBreak || (text[i] == '.' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || char.IsUpper(text[i + 1])));
            // Not after a section number ("XV.", "1.") or inside "i.e.".
            if (!end || i - start < 12 || (i >= 3 && text[(i - 3)..(i + 1)] == "i.e.")) continue;
            sentences.Add(text[start..(i + 1)].Trim());
            start = i + 1;
        }

        if (start < text.Length && text[start..].Trim().Length > 0) sentences.Add(text[start..].Trim());
        return sentences;
    }

    /// <summary>Longest quote unit before a sentence is cut at its clauses: the duties are often one 700-character sentence.</summary>
    public const int MaxUnitLength = 260;

    /// <summary>
    /// The units an answer quotes: each sentence, and a sentence longer than <see cref="MaxUnitLength"/> cut after
    /// commas and semicolons into consecutive runs of clauses up to that length (the text itself unchanged).
    /// </summary>
    public static List<QuoteUnit> QuoteUnits(string text)
    {
        var units = new List<QuoteUnit>();
        foreach (var numbered in Of(text))
        {
            // The section's number ("XV. ", "3. ") is the citation's job, not the quote's.
            var sentence = units.Count == 0 ? SectionNumber().Replace(numbered, "") : numbered;
            if (sentence.Length <= MaxUnitLength)
            {
                units.Add(new QuoteUnit(sentence, true, true));
                continue;
            }

            var clauses = Clauses(sentence);
            var run = new StringBuilder();
            var first = true;
            for (var i = 0; i < clauses.Count; i++)
            {
                if (run.Length > 0 && run.Length + clauses[i].Length > MaxUnitLength)
                {
                    units.Add(new QuoteUnit(run.ToString().Trim(), first, false));
                    first = false;
                    run.Clear();
                }

                run.Append(clauses[i]);
            }

            if (run.Length > 0) units.Add(new QuoteUnit(run.ToString().Trim(), first, true));
        }

        return units;
    }

    // Cut after ", " and "; " but not inside parentheses or quotation marks ("(i.e. Huairou Science City, ...)").
    private static List<string> Clauses(string sentence)
    {
        var clauses = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < sentence.Length; i++)
        {
            var c = sentence[i];
            if (c == '(') depth++;
            else if (c == ')') depth = Math.Max(0, depth - 1);
            else if (c == '"') quoted = !quoted;
            else if ((c == ',' || c == ';') && depth == 0 && !quoted && i + 1 < sentence.Length && sentence[i + 1] == ' ')
            {
                clauses.Add(sentence[start..(i + 1)]);
                start = i + 1;
            }
        }

        clauses.Add(sentence[start..]);
        return clauses;
    }
}

/// <summary>A piece of a section quoted in an answer; when it does not start or end a sentence the answer marks the cut with "…".</summary>
internal sealed record QuoteUnit(string Text, bool StartsSentence, bool EndsSentence)
{
    public string Quoted => (StartsSentence ? "" : "… ") + Text + (EndsSentence ? "" : " …");
}

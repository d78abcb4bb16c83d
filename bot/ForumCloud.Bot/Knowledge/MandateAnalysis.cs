using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Synonym;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace ForumCloud.Bot.Knowledge;

/// <summary>
/// Words are runs of letters and digits. StandardTokenizer splits this text the same way but its scanner tables
/// cost ~100 ms to initialise, a third of the start-up budget.
/// </summary>
internal sealed class WordTokenizer(TextReader reader) : CharTokenizer(MandateAnalysis.Version, reader)
{
    protected override bool IsTokenChar(int c) => char.IsLetterOrDigit((char)c) || (c > char.MaxValue && char.IsLetterOrDigit(char.ConvertFromUtf32(c), 0));
}

/// <summary>
/// The English analysis chain, EnglishAnalyzer's order: a word tokenizer, possessive removal, lower case,
/// stop words, Porter stemming. The query side adds a synonym filter (before stemming) that expands the
/// abbreviations people type (ZGC, S&amp;T, HK, tech, R&amp;D ...) while keeping the original word.
/// </summary>
internal sealed class MandateAnalysis : IDisposable
{
    public static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    // EnglishAnalyzer's stop words, plus the letters an apostrophe or ampersand leaves alone ("capital's", "don't", "S&T" once expanded).
    private static readonly CharArraySet StopWords = new(Version, EnglishAnalyzer.DefaultStopSet.Concat(["s", "t"]).ToList(), ignoreCase: true);

    public MandateAnalysis(IReadOnlyDictionary<string, string[]> abbreviations)
    {
        Index = Build(null);
        Plain = Analyzer.NewAnonymous((_, reader) =>
        {
            var tokenizer = new WordTokenizer(reader);
            TokenStream stream = new LowerCaseFilter(Version, new EnglishPossessiveFilter(Version, tokenizer));
            return new TokenStreamComponents(tokenizer, stream);
        });
        Query = Build(BuildSynonyms(abbreviations));
    }

    /// <summary>For the indexed fields.</summary>
    public Analyzer Index { get; }

    /// <summary>For questions: the index chain plus abbreviation synonyms.</summary>
    public Analyzer Query { get; }

    /// <summary>Tokenize and lower-case only (to read synonym entries as the filter sees them).</summary>
    private Analyzer Plain { get; }

    public List<string> Stems(string text) => Tokens(Index, text).Select(t => t.Term).ToList();

    public static List<(string Term, int Start, int End)> Tokens(Analyzer analyzer, string text)
    {
        var tokens = new List<(string, int, int)>();
        using var stream = analyzer.GetTokenStream("q", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) tokens.Add((term.ToString(), offset.StartOffset, offset.EndOffset));
        stream.End();
        return tokens;
    }

    private SynonymMap? BuildSynonyms(IReadOnlyDictionary<string, string[]> abbreviations)
    {
        if (abbreviations.Count == 0) return null;
        var builder = new SynonymMap.Builder(dedup: true);
        foreach (var (shorthand, expansions) in abbreviations)
        {
            var input = Tokens(Plain, shorthand).Select(t => t.Term).ToArray();
            if (input.Length == 0) continue;
            foreach (var expansion in expansions)
            {
                var output = Tokens(Plain, expansion).Select(t => t.Term).ToArray();
                if (output.Length == 0) continue;
                builder.Add(SynonymMap.Builder.Join(input, new CharsRef()), SynonymMap.Builder.Join(output, new CharsRef()), includeOrig: true);
            }
        }

        return builder.Build();
    }

    private static Analyzer Build(SynonymMap? synonyms) => Analyzer.NewAnonymous((_, reader) =>
    {
        var tokenizer = new WordTokenizer(reader);
        TokenStream stream = new EnglishPossessiveFilter(Version, tokenizer);
        stream = new LowerCaseFilter(Version, stream);
        if (synonyms is not null) stream = new SynonymFilter(stream, synonyms, ignoreCase: true);
        stream = new StopFilter(Version, stream, StopWords);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
    });

    public void Dispose()
    {
        Index.Dispose();
        Query.Dispose();
        Plain.Dispose();
    }
}

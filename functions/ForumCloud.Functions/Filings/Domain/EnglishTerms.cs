using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// English text as a sequence of stemmed terms (Lucene's EnglishAnalyzer: standard tokenizer,
/// possessives, lower case, stop words, Porter stemmer), so "editing genomes" meets "genome editing".
/// The analyzer reuses its token streams per thread, so one instance serves concurrent screenings.
/// </summary>
public sealed class EnglishTerms : IDisposable
{
    private readonly EnglishAnalyzer _analyzer = new(LuceneVersion.LUCENE_48);

    public IReadOnlyList<string> Of(string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) terms.Add(term.ToString());
        stream.End();
        return terms;
    }

    public void Dispose() => _analyzer.Dispose();
}

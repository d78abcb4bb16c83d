namespace ForumCloud.Functions.Filings;

/// <summary>Screens a filing's technology against the catalogue (a seam the processing tests can make fail).</summary>
public interface IFilingScreening
{
    ScreeningResult Screen(FilingDirection direction, TechnologyDetails technology);
}

/// <summary>
/// Matches the technology's name, field and description against the excerpt's curated terms: an
/// English keyword matches when its stemmed terms occur consecutively in the stemmed text; a Chinese
/// keyword (or the item's Chinese name) when it occurs as a substring. The strictest matched control
/// wins. It is a keyword screen — advice for staff, who make the legal classification.
/// </summary>
public sealed class FilingScreening : IFilingScreening
{
    public const string AdvisoryNote =
        "Automated keyword screening against a small excerpt of the catalogue: advice for commission staff, not a legal classification.";

    private readonly TechnologyCatalogue _catalogue;
    private readonly EnglishTerms _terms;
    private readonly Dictionary<string, IReadOnlyList<(string Keyword, string[] Stems)>> _stemmed;

    public FilingScreening(TechnologyCatalogue catalogue, EnglishTerms terms)
    {
        _catalogue = catalogue;
        _terms = terms;
        _stemmed = new Dictionary<string, IReadOnlyList<(string, string[])>>(StringComparer.Ordinal);
        foreach (var item in new[] { FilingDirection.Export, FilingDirection.Import }.SelectMany(d => catalogue.For(d).Items))
        {
            _stemmed[item.ItemId] = item.Keywords.Append(item.Name)
                .Select(k => (k, terms.Of(k).ToArray()))
                .Where(k => k.Item2.Length > 0)
                .ToList();
        }
    }

    public ScreeningResult Screen(FilingDirection direction, TechnologyDetails technology)
    {
        var excerpt = _catalogue.For(direction);
        var text = $"{technology.Name}\n{technology.Field}\n{technology.Description}";
        var stems = _terms.Of(text).ToArray();

        var matches = new List<ScreeningMatch>();
        foreach (var item in excerpt.Items)
        {
            var matched = _stemmed[item.ItemId].Where(k => ContainsRun(stems, k.Stems)).Select(k => k.Keyword)
                .Concat(item.KeywordsZh.Append(item.NameZh).Where(k => text.Contains(k, StringComparison.Ordinal)))
                .Distinct()
                .ToList();
            if (matched.Count > 0) matches.Add(new ScreeningMatch(item.ItemId, item.Name, item.Control, item.NameZh, matched));
        }

        var control = matches.Count == 0 ? TechnologyControl.Free : matches.Max(m => m.Control);
        return new ScreeningResult(excerpt.Version, excerpt.Source, control,
            matches.OrderByDescending(m => m.Control).ThenBy(m => m.ItemId, StringComparer.Ordinal).ToList(), AdvisoryNote);
    }

    private static bool ContainsRun(string[] text, string[] run)
    {
        for (var start = 0; start + run.Length <= text.Length; start++)
        {
            var i = 0;
            while (i < run.Length && text[start + i] == run[i]) i++;
            if (i == run.Length) return true;
        }

        return false;
    }
}

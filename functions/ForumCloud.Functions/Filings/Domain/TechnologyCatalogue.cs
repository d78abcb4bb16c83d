using System.Text.Json;

namespace ForumCloud.Functions.Filings;

/// <summary>One item of the catalogue excerpt, with its curated search terms.</summary>
public sealed record CatalogueItem(
    string ItemId,
    string Name,
    string NameZh,
    TechnologyControl Control,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> KeywordsZh);

/// <summary>The excerpt of one catalogue (export or import) with the version recorded on every screening.</summary>
public sealed record CatalogueExcerpt(FilingDirection Direction, string Version, string Source, IReadOnlyList<CatalogueItem> Items);

/// <summary>The catalogue excerpts of seeds/technology-catalogue.json, one per direction.</summary>
public sealed class TechnologyCatalogue(IReadOnlyList<CatalogueExcerpt> excerpts)
{
    public const string SeedFile = "technology-catalogue.json";

    public CatalogueExcerpt For(FilingDirection direction) =>
        excerpts.FirstOrDefault(e => e.Direction == direction)
        ?? throw new InvalidOperationException($"The catalogue has no {direction} excerpt.");

    public static TechnologyCatalogue Load(string path)
    {
        var file = JsonSerializer.Deserialize<CatalogueFile>(File.ReadAllText(path), ApiJson.Options)
            ?? throw new InvalidOperationException($"{path} is empty.");
        var excerpts = file.Catalogues.Select(c => new CatalogueExcerpt(c.Direction, c.Version, c.Source, c.Items)).ToList();
        var duplicate = excerpts.SelectMany(e => e.Items).GroupBy(i => i.ItemId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"{path}: item id {duplicate.Key} is used twice.");
        return new TechnologyCatalogue(excerpts);
    }

    public static TechnologyCatalogue LoadSeed() => Load(SeedFiles.PathOf(SeedFile));

    private sealed record CatalogueFile(string Description, IReadOnlyList<CatalogueSection> Catalogues);

    private sealed record CatalogueSection(FilingDirection Direction, string Version, string Source, IReadOnlyList<CatalogueItem> Items);
}

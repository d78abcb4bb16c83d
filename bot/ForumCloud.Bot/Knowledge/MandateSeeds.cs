using System.Text.Json;
using System.Text.Json.Serialization;

namespace ForumCloud.Bot.Knowledge;

/// <summary>The curated data beside the mandate text: section titles, keywords, synonyms, abbreviations, and the Chinese glossary.</summary>
public sealed record MandateSeeds(
    IReadOnlyList<MandateSection> Sections,
    IReadOnlyDictionary<string, string[]> Abbreviations,
    IReadOnlyList<GlossaryTerm> Glossary)
{
    /// <summary>Subjects outside the mandate that people ask a public chatbot about (contrast for the refusal confidence).</summary>
    public IReadOnlyList<string> OutOfScope { get; init; } = [];

    /// <summary>Countries, nationalities and regions abroad (each also an abbreviation for "foreign international").</summary>
    public IReadOnlyList<string> ForeignPlaces { get; init; } = [];

    /// <summary>What a foreign place stands for in a question.</summary>
    public static readonly string[] ForeignWords = ["foreign", "international"];

    /// <summary>The refusal's logistic weights by feature name ("intercept" and <see cref="ConfidenceFeatures.Names"/>), from mandate-calibration.json.</summary>
    public IReadOnlyDictionary<string, double> Calibration { get; init; } = new Dictionary<string, double>();

    public const string MandateFile = "mandate.txt";
    public const string SectionsFile = "mandate-sections.json";
    public const string GlossaryFile = "mandate-glossary.json";
    public const string CalibrationFile = "mandate-calibration.json";

    /// <summary>seeds/ next to the running assembly (the projects copy it there at build time).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "seeds");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static MandateSeeds Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        var text = File.ReadAllText(Path.Combine(directory, MandateFile));
        var curated = JsonSerializer.Deserialize<SectionsDocument>(File.ReadAllText(Path.Combine(directory, SectionsFile)), Json)
            ?? throw new InvalidDataException($"{SectionsFile} is empty.");
        var glossary = JsonSerializer.Deserialize<GlossaryDocument>(File.ReadAllText(Path.Combine(directory, GlossaryFile)), Json)
            ?? throw new InvalidDataException($"{GlossaryFile} is empty.");

        var byId = curated.Sections.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var sections = new List<MandateSection>();
        foreach (var (id, body) in MandateText.Split(text))
        {
            if (!byId.TryGetValue(id, out var data)) throw new InvalidDataException($"{SectionsFile} has no entry for section {id}.");
            sections.Add(new MandateSection(id, data.Title, data.TitleZh, body, data.Keywords ?? [], data.Synonyms ?? []));
        }

        var unknown = byId.Keys.Except(sections.Select(s => s.Id)).ToList();
        if (unknown.Count > 0) throw new InvalidDataException($"{SectionsFile} names sections the mandate does not have: {string.Join(", ", unknown)}.");
        var badHints = glossary.Terms.SelectMany(t => t.Sections).Where(s => !byId.ContainsKey(s)).Distinct().ToList();
        if (badHints.Count > 0) throw new InvalidDataException($"{GlossaryFile} names unknown sections: {string.Join(", ", badHints)}.");

        var calibration = JsonSerializer.Deserialize<CalibrationDocument>(File.ReadAllText(Path.Combine(directory, CalibrationFile)), Json)?.Weights
            ?? throw new InvalidDataException($"{CalibrationFile} has no weights.");
        var unnamed = calibration.Keys.Where(k => k != "intercept" && !ConfidenceFeatures.Names.Contains(k)).ToList();
        if (unnamed.Count > 0) throw new InvalidDataException($"{CalibrationFile} names unknown features: {string.Join(", ", unnamed)}.");

        return new MandateSeeds(sections, WithForeignPlaces(curated.Abbreviations ?? [], curated.ForeignPlaces ?? []), glossary.Terms) { OutOfScope = curated.OutOfScope ?? [], Calibration = calibration, ForeignPlaces = curated.ForeignPlaces ?? [] };
    }

    /// <summary>A country or nationality in a question ("a Swiss start-up") stands for what the mandate calls foreign or international.</summary>
    private static Dictionary<string, string[]> WithForeignPlaces(Dictionary<string, string[]> abbreviations, List<string> places)
    {
        var merged = new Dictionary<string, string[]>(abbreviations, StringComparer.OrdinalIgnoreCase);
        foreach (var place in places) merged[place] = merged.TryGetValue(place, out var more) ? [.. more, .. ForeignWords] : ForeignWords;
        return merged;
    }

    private sealed record SectionsDocument(
        [property: JsonPropertyName("abbreviations")] Dictionary<string, string[]>? Abbreviations,
        [property: JsonPropertyName("sections")] List<SectionData> Sections,
        [property: JsonPropertyName("outOfScope")] List<string>? OutOfScope,
        [property: JsonPropertyName("foreignPlaces")] List<string>? ForeignPlaces);

    private sealed record SectionData(string Id, string Title, string TitleZh, string[]? Keywords, string[]? Synonyms);

    private sealed record GlossaryDocument(List<GlossaryTerm> Terms);

    private sealed record CalibrationDocument(Dictionary<string, double>? Weights);
}

/// <summary>
/// A Chinese term, the English words it stands for, and the sections it points to, the main one first. A generic term
/// (the commission's own names, "Zhongguancun", "international") is in many questions about other duties; it decides
/// the section only when no specific term is found.
/// </summary>
public sealed record GlossaryTerm(string Zh, string[] En, string[] Sections, bool Generic = false);

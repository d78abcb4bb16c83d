using System.Security.Cryptography;
using System.Text;

namespace ForumCloud.Bot.Knowledge;

/// <summary>What a passage of the knowledge is: a section's title, one of its curated keywords/synonyms, one of its quote units, or an out-of-scope subject.</summary>
public enum PassageKind
{
    Title,
    Keyword,
    Sentence,
    OutOfScope,
}

/// <summary>A text the dense retriever compares questions with, and the section (by position) it stands for (-1 for an out-of-scope subject).</summary>
public sealed record Passage(int Section, PassageKind Kind, int Ordinal, string Text);

/// <summary>
/// The embedding of every passage of the fixed knowledge. Encoding them takes 5–25 s on two cores, so they are
/// computed once and kept in seeds/mandate-vectors.{model}.bin (half precision), stamped with a SHA-256 fingerprint
/// of the model and the passage texts: a file that does not match the seeds is recomputed, never silently used.
/// </summary>
public sealed class KnowledgeVectors
{
    private const string Magic = "FCMV";
    private const int FormatVersion = 1;

    private KnowledgeVectors(IReadOnlyList<Passage> passages, float[][] vectors, bool fromFile)
    {
        Passages = passages;
        Vectors = vectors;
        FromFile = fromFile;
    }

    public IReadOnlyList<Passage> Passages { get; }

    public float[][] Vectors { get; }

    /// <summary>False when the file was missing or stale and the vectors were computed in this process.</summary>
    public bool FromFile { get; }

    public static string FileName(EmbeddingModel model) => $"mandate-vectors.{model.ToString().ToLowerInvariant()}.bin";

    internal static IReadOnlyList<Passage> PassagesOf(MandateSeeds seeds)
    {
        var sections = seeds.Sections;
        var passages = new List<Passage>();
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            passages.Add(new Passage(i, PassageKind.Title, 0, section.Title));
            passages.AddRange(section.Keywords.Concat(section.Synonyms).Distinct(StringComparer.OrdinalIgnoreCase).Select((k, n) => new Passage(i, PassageKind.Keyword, n, k)));
            passages.AddRange(Sentences.QuoteUnits(section.Text).Select((u, n) => new Passage(i, PassageKind.Sentence, n, u.Text)));
        }

        passages.AddRange(seeds.OutOfScope.Select((text, n) => new Passage(-1, PassageKind.OutOfScope, n, text)));
        return passages;
    }

    /// <summary>The vectors from the file beside the seeds when it matches; otherwise computed now and written there (best effort: the app folder is read-only in Azure).</summary>
    public static KnowledgeVectors LoadOrCompute(string directory, MandateSeeds seeds, SentenceEmbedding embedding)
    {
        var passages = PassagesOf(seeds);
        var fingerprint = Fingerprint(embedding.Model, passages);
        var path = Path.Combine(directory, FileName(embedding.Model));
        if (TryRead(path, fingerprint, passages.Count) is { } stored) return new KnowledgeVectors(passages, stored, fromFile: true);

        var vectors = embedding.EmbedPassages(passages.Select(p => p.Text).ToList());
        try
        {
            Write(path, fingerprint, vectors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Read-only deployment: keep the computed vectors in memory only.
        }

        return new KnowledgeVectors(passages, vectors, fromFile: false);
    }

    /// <summary>Whether the file in the directory matches the seeds (a test keeps the committed file current).</summary>
    public static bool IsCurrent(string directory, MandateSeeds seeds, EmbeddingModel model)
    {
        var passages = PassagesOf(seeds);
        return TryRead(Path.Combine(directory, FileName(model)), Fingerprint(model, passages), passages.Count) is not null;
    }

    private static byte[] Fingerprint(EmbeddingModel model, IReadOnlyList<Passage> passages) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + string.Join("\n", passages.Select(p => $"{p.Section}|{p.Kind}|{p.Text}"))));

    private static float[][]? TryRead(string path, byte[] fingerprint, int count)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path));
        if (Encoding.ASCII.GetString(reader.ReadBytes(4)) != Magic || reader.ReadInt32() != FormatVersion) return null;
        if (!reader.ReadBytes(fingerprint.Length).AsSpan().SequenceEqual(fingerprint) || reader.ReadInt32() != count) return null;
        var dimensions = reader.ReadInt32();
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var vector = vectors[i] = new float[dimensions];
            for (var d = 0; d < dimensions; d++) vector[d] = (float)reader.ReadHalf();
        }

        return vectors;
    }

    private static void Write(string path, byte[] fingerprint, float[][] vectors)
    {
        var temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(FormatVersion);
            writer.Write(fingerprint);
            writer.Write(vectors.Length);
            writer.Write(vectors.Length == 0 ? 0 : vectors[0].Length);
            foreach (var vector in vectors)
            {
                foreach (var value in vector) writer.Write((Half)value);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }
}

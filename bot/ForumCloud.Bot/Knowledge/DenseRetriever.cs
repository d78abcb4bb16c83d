namespace ForumCloud.Bot.Knowledge;

/// <summary>A section's dense match: the best cosine over its passages, and its best-matching sentence (ordinal) for the quote.</summary>
internal readonly record struct DenseMatch(double Cosine, int BestSentence, double BestSentenceCosine);

/// <summary>
/// Dense retrieval over the knowledge passages: a section scores the highest cosine any of its passages
/// (title, curated keyword or synonym, sentence) has with the question. Brute force: ~800 vectors of 384
/// dimensions is ~0.3 M multiply-adds, well under a millisecond.
/// </summary>
internal sealed class DenseRetriever(KnowledgeVectors knowledge, int sectionCount)
{
    /// <summary>Each section's match, and the best cosine with any out-of-scope subject.</summary>
    public (DenseMatch[] Sections, double OutOfScope) Match(float[] question)
    {
        var matches = new DenseMatch[sectionCount];
        var outOfScope = -1.0;
        for (var s = 0; s < sectionCount; s++) matches[s] = new DenseMatch(-1, 0, -1);
        for (var i = 0; i < knowledge.Passages.Count; i++)
        {
            var passage = knowledge.Passages[i];
            var cosine = Dot(question, knowledge.Vectors[i]);
            if (passage.Kind == PassageKind.OutOfScope)
            {
                outOfScope = Math.Max(outOfScope, cosine);
                continue;
            }

            var current = matches[passage.Section];
            var best = Math.Max(current.Cosine, cosine);
            matches[passage.Section] = passage.Kind == PassageKind.Sentence && cosine > current.BestSentenceCosine
                ? new DenseMatch(best, passage.Ordinal, cosine)
                : current with { Cosine = best };
        }

        return (matches, outOfScope);
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}

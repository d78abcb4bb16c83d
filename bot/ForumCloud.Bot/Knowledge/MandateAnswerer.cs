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
}

/// <summary>
/// Answers a question from the mandate. Retrieval ranks sections (BM25); the confidence is the
/// IDF-weighted share of the question's meaningful words that the best section contains, so a question
/// whose rare words the mandate never uses ("weather", "recipe", "football") scores low however high its
/// BM25 score, and the bot says what it covers instead of pretending. Chinese questions reach sections
/// through the glossary's terms.
/// </summary>
public sealed class MandateAnswerer
{
    public const int MaxQuestionLength = 500;

    /// <summary>At or above this confidence an answer is given. Chosen on the held-out development questions, not the test set.</summary>
    public const double Threshold = 0.5;

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
    private readonly GlossaryMatcher _glossary;
    private readonly Dictionary<string, int> _positionOf;

    public MandateAnswerer(MandateIndex index)
    {
        _index = index;
        _formStems = new HashSet<string>(FormWords.SelectMany(index.Analysis.Stems), StringComparer.Ordinal);
        _glossary = new GlossaryMatcher(index.Seeds.Glossary);
        _positionOf = index.Sections.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
    }

    public static MandateAnswerer FromSeeds(string? directory = null) => new(new MandateIndex(MandateSeeds.Load(directory)));

    public MandateIndex Index => _index;

    public MandateAnswer Ask(string question)
    {
        question = question.Trim();
        if (question.Length > MaxQuestionLength) question = question[..MaxQuestionLength];
        return GlossaryMatcher.HasChinese(question) ? AskChinese(question) : AskEnglish(question, null, chinese: false);
    }

    private MandateAnswer AskChinese(string question)
    {
        var matches = _glossary.Match(question);
        var votes = new Dictionary<int, float>();
        var english = new StringBuilder(GlossaryMatcher.WithoutChinese(question));
        foreach (var term in matches)
        {
            foreach (var id in term.Sections) votes[_positionOf[id]] = votes.GetValueOrDefault(_positionOf[id]) + term.Zh.Length / (float)term.Sections.Length;
            foreach (var en in term.En) english.Append(' ').Append(en);
        }

        if (matches.Count == 0 && english.ToString().Trim().Length == 0) return Refusal([], chinese: true);
        return AskEnglish(english.ToString(), votes, chinese: true);
    }

    private MandateAnswer AskEnglish(string question, Dictionary<int, float>? votes, bool chinese)
    {
        var slots = Slots(question);
        var weighted = new List<(string Term, float Weight)>();
        foreach (var slot in slots)
        {
            foreach (var term in slot.Terms) weighted.Add((term, slot.Form ? 0.2f : 1f));
        }

        // Glossary votes count as much as a strong title match, so the section a Chinese term names comes first.
        Dictionary<int, float>? boosts = null;
        if (votes is { Count: > 0 })
        {
            var top = votes.Values.Max();
            boosts = votes.ToDictionary(v => v.Key, v => 10f * v.Value / top);
        }

        var subject = slots.Where(s => !s.Form).ToList();
        var pairs = subject.Zip(subject.Skip(1)).Select(p => (p.First.Terms[0], p.Second.Terms[0]));
        var ranked = _index.Search(weighted, boosts, take: 6, pairs: pairs);
        // A question made only of numbers ("2+2") has no subject the mandate could answer.
        if (ranked.Count == 0 || (votes is null && subject.All(s => s.Terms.All(t => t.All(char.IsDigit))))) return Refusal([], chinese);

        // Final order: how much of the question a section covers, then its BM25 rank (normalised).
        var topScore = ranked[0].Score;
        var confidences = ranked
            .Select(r => (r.Section, Confidence: votes is { Count: > 0 } ? ChineseConfidence(votes, r.Section) : Coverage(slots, r.Section), Rank: r.Score / topScore))
            .OrderByDescending(r => r.Confidence + 0.5 * r.Rank)
            .Select(r => (r.Section, r.Confidence))
            .ToList();
        var best = confidences[0];
        if (!Confident(best.Confidence, votes is { Count: > 0 } ? double.MaxValue : MatchedWeight(slots, best.Section))) return Refusal(confidences.Where(c => c.Confidence > 0).Select(c => c.Section).ToList(), chinese);

        var section = _index.Sections[best.Section];
        var quote = Quote(best.Section, slots);
        var answer = chinese
            ? $"{section.CitationZh}：\n“{quote}”"
            : $"{section.Citation}: “{quote}”";
        var sources = confidences.Take(3)
            .Where((c, i) => i == 0 || c.Confidence >= WordyThreshold)
            .Select(c => new AnswerSource(_index.Sections[c.Section].Id, _index.Sections[c.Section].Title, Math.Round(c.Confidence, 3)))
            .ToList();
        var followUps = confidences.Skip(1).Select(c => c.Section).Take(2).ToList();
        foreach (var id in DefaultSuggestionIds)
        {
            if (followUps.Count >= 2) break;
            var position = _positionOf[id];
            if (position != best.Section && !followUps.Contains(position)) followUps.Add(position);
        }

        return new MandateAnswer(true, answer, sources, followUps.Select(i => _index.Sections[i].Title).ToList())
        {
            SuggestedSections = followUps.Select(i => _index.Sections[i].Id).ToList(),
        };
    }

    private MandateAnswer Refusal(List<int> closest, bool chinese)
    {
        var offered = closest.Take(3).ToList();
        if (offered.Count == 0) offered = DefaultSuggestionIds.Select(id => _positionOf[id]).ToList();
        var titles = offered.Select(i => _index.Sections[i].Title).ToList();
        var text = new StringBuilder();
        text.Append(chinese
            ? "抱歉，我只能回答北京市科学技术委员会、中关村科技园区管理委员会职责方面的问题（例如国际科技合作与中关村论坛、技术转移、外国专家）。"
            + "Sorry — I can only answer questions about the mandate of the Beijing Municipal Science & Technology Commission / Zhongguancun Administrative Committee."
            : "Sorry — I can only answer questions about the mandate of the Beijing Municipal Science & Technology Commission / Zhongguancun Administrative Committee, "
            + "for example international cooperation and the Zhongguancun Forum, technology transfer, or foreign experts.");
        text.Append(closest.Count > 0 ? " The closest sections to your question: " : " You could ask about: ");
        text.Append(string.Join("; ", offered.Select(i => _index.Sections[i].Citation))).Append('.');
        return new MandateAnswer(false, text.ToString(), [], titles) { SuggestedSections = offered.Select(i => _index.Sections[i].Id).ToList() };
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
        return slots.Where(s => !s.Form && s.Terms.Any(terms.Contains)).Sum(s => s.Weight);
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
            if (slot.Terms.Any(terms.Contains)) covered += slot.Weight;
        }

        return total == 0 ? 0 : covered / total;
    }

    private static double ChineseConfidence(Dictionary<int, float> votes, int section)
    {
        var top = votes.Values.Max();
        return votes.TryGetValue(section, out var vote) ? 0.5 + 0.5 * vote / top : 0;
    }

    /// <summary>The section's most relevant sentence (and the next best when nearly as relevant), verbatim and in order.</summary>
    private string Quote(int section, List<Slot> slots)
    {
        var sentences = _index.SentenceStems[section];
        var scored = sentences.Select((s, i) => (Index: i, Score: slots.Where(slot => !slot.Form && slot.Terms.Any(s.Stems.Contains)).Sum(slot => slot.Weight))).ToList();
        var order = scored.OrderByDescending(s => s.Score).ThenBy(s => s.Index).ToList();
        var chosen = new List<int> { order[0].Index };
        if (order.Count > 1 && order[1].Score > 0 && order[1].Score >= 0.75 * order[0].Score) chosen.Add(order[1].Index);
        return string.Join(" … ", chosen.Order().Select(i => sentences[i].Sentence));
    }

    private sealed class Slot
    {
        public int Start { get; init; }
        public int End { get; set; }
        public List<string> Terms { get; } = [];
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

using System.Text.RegularExpressions;

namespace ForumCloud.Bot.Knowledge;

/// <summary>
/// Splits seeds/mandate.txt into its sections without changing a word: the two opening paragraphs
/// ("intro"), the duties "I." … "XIX.", the five numbered functional transformations under "XX." (XX.1 … XX.5)
/// and "XXI." (its heading line and the paragraph that follows).
/// </summary>
public static partial class MandateText
{
    public static IReadOnlyList<(string Id, string Text)> Split(string text)
    {
        var paragraphs = text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sections = new List<(string Id, string Text)>();
        var intro = new List<string>();
        string? current = null;
        var body = new List<string>();
        var inTransformations = false;

        void Flush()
        {
            if (current is not null) sections.Add((current, string.Join("\n\n", body)));
            body.Clear();
        }

        foreach (var paragraph in paragraphs)
        {
            var duty = DutyStart().Match(paragraph);
            if (duty.Success && RomanNumerals.IsNumeral(duty.Groups[1].Value))
            {
                Flush();
                var numeral = duty.Groups[1].Value;
                inTransformations = numeral == "XX";
                // "XX. Functional Transformations" is only a heading; its numbered paragraphs are the sections.
                current = inTransformations ? null : numeral;
                if (!inTransformations) body.Add(paragraph);
                continue;
            }

            var numbered = NumberedStart().Match(paragraph);
            if (inTransformations && numbered.Success)
            {
                Flush();
                current = "XX." + numbered.Groups[1].Value;
                body.Add(paragraph);
                continue;
            }

            if (current is null && sections.Count == 0 && !inTransformations) intro.Add(paragraph);
            else body.Add(paragraph);
        }

        Flush();
        if (intro.Count == 0) throw new FormatException("The mandate text has no opening paragraphs.");
        sections.Insert(0, ("intro", string.Join("\n\n", intro)));
        return sections;
    }

    [GeneratedRegex(@"^([IVX]+)\.\s")]
    private static partial Regex DutyStart();

    [GeneratedRegex(@"^([1-9])\.\s")]
    private static partial Regex NumberedStart();
}

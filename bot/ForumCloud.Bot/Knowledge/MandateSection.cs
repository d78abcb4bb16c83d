namespace ForumCloud.Bot.Knowledge;

/// <summary>One section of the mandate: the verbatim text from seeds/mandate.txt plus its curated data.</summary>
public sealed record MandateSection(
    string Id,
    string Title,
    string TitleZh,
    string Text,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> Synonyms)
{
    /// <summary>How answers cite the section: "Duty XV", "Functional transformation XX.4", "Introduction".</summary>
    public string Label => Id switch
    {
        "intro" => "Introduction",
        "XXI" => "Section XXI",
        _ when Id.StartsWith("XX.", StringComparison.Ordinal) => $"Functional transformation {Id}",
        _ => $"Duty {Id}",
    };

    /// <summary>The Chinese name of the section's place in the mandate (第十五项职责, 职能转变（四）...).</summary>
    public string LabelZh => Id switch
    {
        "intro" => "总述",
        "XXI" => "第二十一部分",
        _ when Id.StartsWith("XX.", StringComparison.Ordinal) => $"职能转变（{Id[3..]}）",
        _ => $"第{ChineseNumeral(RomanNumerals.ToInt(Id))}项职责",
    };

    public string Citation => $"{Label} — {Title}";

    public string CitationZh => $"{Label} — {Title}（{LabelZh}：{TitleZh}）";

    private static string ChineseNumeral(int n)
    {
        string[] digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        return n switch
        {
            < 10 => digits[n],
            10 => "十",
            < 20 => "十" + digits[n - 10],
            _ => digits[n / 10] + "十" + digits[n % 10],
        };
    }
}

internal static class RomanNumerals
{
    private static readonly string[] Numerals =
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI"];

    public static int ToInt(string numeral) => Array.IndexOf(Numerals, numeral) + 1;

    public static bool IsNumeral(string text) => Array.IndexOf(Numerals, text) >= 0;
}

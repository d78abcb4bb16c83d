using System.Globalization;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Characters that have no business in a name or title: control characters (NUL included), lone
/// surrogates, and the bidirectional overrides used to disguise text (CVE-2021-42574 "Trojan Source").
/// </summary>
public static class UnsafeCharacters
{
    public static string? Find(string text, bool multiline)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c)) return "Contains an invalid (lone surrogate) character.";
            if (char.IsControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) return "Contains a control character.";
            if (IsBidiControl(c)) return "Contains a bidirectional-override character.";
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherNotAssigned) return "Contains an unassigned character.";
        }

        return null;
    }

    private static bool IsBidiControl(char c) => c is '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E'
        or '\u2066' or '\u2067' or '\u2068' or '\u2069' or '\u200E' or '\u200F' or '\u061C';
}

namespace ForumCloud.Functions.Filings;

/// <summary>
/// The unified social credit code of GB 32100-2015: 18 characters from a 31-character alphabet
/// (digits and upper-case letters without I, O, S, V, Z); characters 3–8 are the administrative
/// division code (digits); the 18th is a check character, mod 31 with fixed weights over the first 17.
/// </summary>
public static class UnifiedSocialCreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Null when the code is valid, else why it is not (for a field error).</summary>
    public static string? Problem(string code)
    {
        if (code.Length != 18) return "Must be 18 characters.";
        foreach (var c in code)
        {
            if (Alphabet.IndexOf(c) < 0) return "Contains a character outside the GB 32100-2015 alphabet (digits and A–H, J–N, P–R, T, U, W–Y).";
        }

        for (var i = 2; i < 8; i++)
        {
            if (!char.IsAsciiDigit(code[i])) return "Characters 3 to 8 must be the digits of an administrative division code.";
        }

        return code[17] == CheckCharacter(code.AsSpan(0, 17)) ? null : "The check character (the 18th) does not match; please check the code.";
    }

    public static bool IsValid(string code) => Problem(code) is null;

    /// <summary>The check character for the first 17 characters: 31 − (Σ value×weight mod 31), and 31 maps to 0.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("Seventeen characters are needed.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i]);
            if (value < 0) throw new ArgumentException($"'{first17[i]}' is not in the alphabet.", nameof(first17));
            sum += value * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }
}

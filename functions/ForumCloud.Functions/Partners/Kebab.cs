using System.Text.Json;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Enum values as the API spells them (kebab-case, as ApiJson serialises them). Stored in tables in
/// the same spelling, so a query-string value and a stored value compare as-is.
/// </summary>
internal static class Kebab
{
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string text)
        where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new FormatException($"'{text}' is not a {typeof(T).Name}.");

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}

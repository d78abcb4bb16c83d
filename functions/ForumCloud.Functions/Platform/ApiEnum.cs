using System.Text.Json;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Enum values as the API spells them: kebab-case, as <see cref="ApiJson"/> serialises them. Tables store
/// the same spelling (<see cref="StoredEnum"/>), so a query-string value, a stored value and a JSON value compare as they are.
/// </summary>
public static class ApiEnum
{
    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static IEnumerable<string> Names<T>()
        where T : struct, Enum => Enum.GetValues<T>().Select(Name);

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}

using Azure.Data.Tables;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Enum values in table columns: written in the API's spelling (<see cref="ApiEnum"/>, kebab-case: `pending-confirmation`),
/// the one spelling in storage. Rows written before it (the Events tables stored the C# names, `PendingConfirmation`)
/// stay readable: reads and filters accept both until no such row remains (a row is rewritten in the new spelling
/// the next time it changes).
/// </summary>
public static class StoredEnum
{
    public static string Write<T>(T value)
        where T : struct, Enum => ApiEnum.Name(value);

    public static bool TryRead<T>(string? stored, out T value)
        where T : struct, Enum =>
        ApiEnum.TryParse(stored, out value) || (Enum.TryParse(stored, ignoreCase: false, out value) && Enum.IsDefined(value) && !int.TryParse(stored, out _));

    /// <summary>A stored value; one that is neither spelling of a member is corrupt data, not bad input.</summary>
    public static T Read<T>(string? stored)
        where T : struct, Enum =>
        TryRead<T>(stored, out var value) ? value : throw new FormatException($"'{stored}' is not a stored {typeof(T).Name}.");

    public static T? ReadOptional<T>(string? stored)
        where T : struct, Enum => stored is null ? null : Read<T>(stored);

    public static bool Is<T>(string? stored, T value)
        where T : struct, Enum => TryRead<T>(stored, out var read) && read.Equals(value);

    /// <summary>An OData condition `column eq value` in both spellings; <paramref name="column"/> is a property name (nameof), never input.</summary>
    public static string Equal<T>(string column, T value)
        where T : struct, Enum =>
        $"({column} eq {Quoted(Write(value))} or {column} eq {Quoted(value.ToString())})";

    /// <summary>An OData condition `column ne value` in both spellings.</summary>
    public static string NotEqual<T>(string column, T value)
        where T : struct, Enum =>
        $"({column} ne {Quoted(Write(value))} and {column} ne {Quoted(value.ToString())})";

    private static string Quoted(string text) => TableClient.CreateQueryFilter($"{text}");
}

using System.Text.RegularExpressions;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Validates ids from routes and bodies before they reach a PartitionKey or RowKey. Each kind has one
/// pattern; anything else (slashes, '#', '?', quotes, control characters, over-long values) is a 404
/// for a route id — there is no such record — or a field error for a body id.
/// </summary>
public static partial class RouteIds
{
    /// <summary>Event slugs: lower-case letters, digits and single hyphens, 3–64 characters.</summary>
    public static readonly IdKind EventSlug = new("event", EventSlugPattern());

    /// <summary>Ids the app generates (<see cref="Ids.New"/>): a prefix and 20 base32 characters.</summary>
    public static IdKind Generated(string prefix, string noun) => new(noun, new Regex($"^{prefix}_[a-z2-7]{{20}}$", RegexOptions.CultureInvariant));

    /// <summary>Throws 404 unless the route value has the kind's shape.</summary>
    public static string Require(IdKind kind, string? value) =>
        kind.IsValid(value) ? value! : throw ProblemException.NotFound($"No {kind.Noun} has that id.");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EventSlugPattern();
}

public sealed record IdKind(string Noun, Regex Pattern)
{
    public bool IsValid(string? value) => value is not null && value.Length <= 80 && Pattern.IsMatch(value);
}

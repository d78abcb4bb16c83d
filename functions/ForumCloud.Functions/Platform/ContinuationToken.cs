using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Paging tokens handed to clients: the table's own continuation token, bound to the query it came
/// from and checksummed, then base64url-encoded. A token that was edited, truncated or reused with
/// other filters is a 400, never a 500 and never a page of some other query.
/// </summary>
public static class ContinuationToken
{
    private sealed record Payload(string Q, string T, string C);

    public static string? Encode(string? tableToken, string queryFingerprint)
    {
        if (tableToken is null) return null;
        var payload = new Payload(Fingerprint(queryFingerprint), tableToken, Checksum(queryFingerprint, tableToken));
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string? Decode(string? token, string queryFingerprint)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            if (token.Length > 2048) throw new FormatException();
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var payload = JsonSerializer.Deserialize<Payload>(Convert.FromBase64String(base64));
            if (payload is null || payload.Q != Fingerprint(queryFingerprint) || payload.C != Checksum(queryFingerprint, payload.T)) throw new FormatException();
            return payload.T;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            throw new ProblemException(400, "The continuation token is not valid.", "Use the continuation value of the previous page, with the same filters.",
                new Dictionary<string, string[]> { ["continuation"] = ["Not a token issued for this query."] });
        }
    }

    private static string Fingerprint(string query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..16];

    private static string Checksum(string query, string tableToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query + "\u001f" + tableToken)))[..16];
}

/// <summary>A page of results as every list endpoint answers it.</summary>
public sealed record Page<T>(
    IReadOnlyList<T> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Continuation);

/// <summary>The one way a list endpoint reads a page of a table query and hands out the next page's token.</summary>
public static class Paging
{
    /// <summary>
    /// One page of <paramref name="query"/> (its maxPerPage set to <paramref name="pageSize"/>), resumed from the client's
    /// token; <paramref name="fingerprint"/> names the query with its filters so that a token is refused on another query.
    /// </summary>
    public static async Task<Page<TItem>> ReadAsync<TRow, TItem>(Azure.AsyncPageable<TRow> query, string? continuation, string fingerprint, int pageSize,
        Func<TRow, TItem> map, CancellationToken cancellationToken)
        where TRow : notnull
    {
        await foreach (var page in query.AsPages(ContinuationToken.Decode(continuation, fingerprint), pageSize).WithCancellation(cancellationToken))
        {
            return new Page<TItem>(page.Values.Select(map).ToList(), ContinuationToken.Encode(page.ContinuationToken, fingerprint));
        }

        return new Page<TItem>([], null);
    }
}

using System.Security.Cryptography;
using System.Text;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Manage and access tokens: 256 random bits, given to the client once, stored only as a SHA-256
/// hash, compared in constant time. A hash (not a slow KDF) is enough because tokens are random, not
/// chosen by people.
/// </summary>
public static class Secrets
{
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string? presented, string storedHash)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 128) return false;
        var presentedHash = Encoding.ASCII.GetBytes(Hash(presented));
        return CryptographicOperations.FixedTimeEquals(presentedHash, Encoding.ASCII.GetBytes(storedHash));
    }

    /// <summary>
    /// A stable, non-reversible key for personal data (an email) that must be unique within a scope (an
    /// event) but may not appear in a key: trimmed and lower-cased, then hashed with the scope.
    /// </summary>
    public static string KeyFor(string scope, string value) => Hash(scope + "\u001f" + value.Trim().ToLowerInvariant());

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

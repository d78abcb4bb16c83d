using System.Security.Cryptography;

namespace ForumCloud.Functions.Platform;

/// <summary>Random ids for records the app creates: `{prefix}_` and 20 RFC 4648 base32 characters (100 bits).</summary>
public static class Ids
{
    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New(string prefix) => prefix + "_" + RandomString(Base32, 20);

    /// <summary>Random characters from an alphabet, without modulo bias.</summary>
    public static string RandomString(string alphabet, int length) =>
        RandomNumberGenerator.GetString(alphabet, length);
}

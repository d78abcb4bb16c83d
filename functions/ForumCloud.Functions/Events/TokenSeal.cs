using System.Security.Cryptography;
using System.Text;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Seals the manage token in an idempotency record with AES-GCM under a key derived from the client's
/// Idempotency-Key (never stored). A replay with the same key can open it; the table alone cannot.
/// </summary>
public static class TokenSeal
{
    public static string Seal(string token, string eventId, string idempotencyKey)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.UTF8.GetBytes(token);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(KeyFor(eventId, idempotencyKey), 16);
        aes.Encrypt(nonce, plain, cipher, tag);
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public static string? Open(string sealedToken, string eventId, string idempotencyKey)
    {
        try
        {
            var bytes = Convert.FromBase64String(sealedToken);
            var plain = new byte[bytes.Length - 28];
            using var aes = new AesGcm(KeyFor(eventId, idempotencyKey), 16);
            aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private static byte[] KeyFor(string eventId, string idempotencyKey) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("forumcloud/idempotency-seal\u001f" + eventId + "\u001f" + idempotencyKey));
}

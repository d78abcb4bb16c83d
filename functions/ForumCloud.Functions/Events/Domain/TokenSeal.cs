using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Seals the manage token in an idempotency record with AES-GCM under a key derived (HMAC-SHA256) from a server
/// secret together with the event and the client's Idempotency-Key (never stored). Only this app, presented with the
/// same key, can open it: someone who reads the table, or who guesses a key and the body, cannot recover a manage
/// token. The secret is <see cref="SettingNames.IdempotencySeal"/> (a Key Vault reference in Azure, where the app
/// refuses to start without it); locally, when unset, one is generated per process, so replays to a restarted local
/// runner are answered 422 (the seal no longer opens) rather than with someone's token.
/// </summary>
public sealed class TokenSeal
{
    private readonly byte[] _secret;

    public TokenSeal(byte[] secret)
    {
        // azd's secretOrRandomPassword makes the secret in Azure; 16 characters is the floor accepted.
        if (secret.Length < 16) throw new ArgumentException("The idempotency seal needs at least 16 bytes of secret.", nameof(secret));
        _secret = secret;
    }

    public static TokenSeal FromConfiguration(IConfiguration? configuration)
    {
        var text = configuration?[SettingNames.ConfigKey(SettingNames.IdempotencySeal)];
        if (!string.IsNullOrEmpty(text)) return new TokenSeal(Encoding.UTF8.GetBytes(text));
        if (!string.IsNullOrEmpty(configuration?[Mandate.BotEndpointPolicy.AzureSiteSetting]))
        {
            throw new InvalidOperationException($"The app setting {SettingNames.IdempotencySeal} is required in Azure (a Key Vault reference; see infra/).");
        }

        return new TokenSeal(RandomNumberGenerator.GetBytes(32));
    }

    public string Seal(string token, string eventId, string idempotencyKey)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.UTF8.GetBytes(token);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(KeyFor(eventId, idempotencyKey), 16);
        aes.Encrypt(nonce, plain, cipher, tag);
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public string? Open(string sealedToken, string eventId, string idempotencyKey)
    {
        try
        {
            var bytes = Convert.FromBase64String(sealedToken);
            var plain = new byte[bytes.Length - 28];
            using var aes = new AesGcm(KeyFor(eventId, idempotencyKey), 16);
            aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private byte[] KeyFor(string eventId, string idempotencyKey) =>
        HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes("forumcloud/idempotency-seal\u001f" + eventId + "\u001f" + idempotencyKey));
}

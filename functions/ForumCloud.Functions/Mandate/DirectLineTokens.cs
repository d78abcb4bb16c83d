using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mandate;

/// <summary>A Direct Line conversation token for the chat page; Domain is where Web Chat talks (null: Azure Bot Service's own).</summary>
public sealed record DirectLineToken(string Token, string? ConversationId, int ExpiresIn, string? Domain = null);

/// <summary>Where the chat page's Direct Line token comes from: Azure Bot Service in Azure, the local runner's Direct Line endpoint locally.</summary>
public interface IDirectLineTokenSource
{
    bool Configured { get; }

    Task<DirectLineToken> GenerateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Exchanges the Direct Line secret (an app setting, a master key) for a per-conversation token, server-side:
/// the browser only ever sees the token. With enhanced authentication on (infra/app/bot.bicep), the token
/// only works from the app's own origin.
/// </summary>
public sealed class DirectLineTokens(string? secret, ILogger<DirectLineTokens> logger, HttpMessageHandler? handler = null) : IDirectLineTokenSource
{
    public static readonly Uri GenerateUri = new("https://directline.botframework.com/v3/directline/tokens/generate");

    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(15) };

    public bool Configured => !string.IsNullOrWhiteSpace(secret);

    public async Task<DirectLineToken> GenerateAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, GenerateUri) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Direct Line refused the token request: {Status}", (int)response.StatusCode);
            throw new HttpRequestException($"Direct Line answered {(int)response.StatusCode}.");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        return new DirectLineToken(
            root.GetProperty("token").GetString() ?? throw new HttpRequestException("Direct Line sent no token."),
            root.TryGetProperty("conversationId", out var id) ? id.GetString() : null,
            root.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 1800);
    }
}

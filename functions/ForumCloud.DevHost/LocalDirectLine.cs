using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ForumCloud.Functions.Mandate;

namespace ForumCloud.DevHost;

/// <summary>
/// A Direct Line 3.0-compatible channel inside the local runner, as the community's offline Direct Line servers do
/// it, so the local chat page is the production page (Web Chat over Direct Line) talking to the same bot:
/// /api/directline/token issues a local token and names this runner as the Direct Line domain; Web Chat starts a
/// conversation, posts activities and polls for them by watermark (no WebSocket stream); each posted activity is
/// relayed to the bot's /api/messages with this runner as its serviceUrl, and the bot's replies come back through
/// the Bot Connector routes below into the conversation's transcript. In memory, loopback only: a local tool.
/// </summary>
public sealed class LocalDirectLine(IHttpContextAccessor http) : IDirectLineTokenSource
{
    public const string DirectLinePath = "/v3/directline";
    public const string ConnectorPath = "/directline-connector";
    public const string BotId = "forumcloud-bot";
    private const int TokenLifetimeSeconds = 1800;
    private const int MaxActivities = 1000;

    private readonly ConcurrentDictionary<string, string> _conversationOfToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Transcript> _transcripts = new(StringComparer.Ordinal);

    public bool Configured => true;

    public Task<DirectLineToken> GenerateAsync(CancellationToken cancellationToken)
    {
        var conversationId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _conversationOfToken[token] = conversationId;
        _transcripts[conversationId] = new Transcript();
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("A local Direct Line token is issued within a request.");
        return Task.FromResult(new DirectLineToken(token, conversationId, TokenLifetimeSeconds, $"{request.Scheme}://{request.Host}{DirectLinePath}"));
    }

    /// <summary>The conversation a bearer token opens, or null.</summary>
    public string? ConversationOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _conversationOfToken.TryGetValue(header["Bearer ".Length..], out var id) ? id : null;
    }

    public Transcript? TranscriptOf(string conversationId) => _transcripts.GetValueOrDefault(conversationId);

    /// <summary>One conversation's activities in order; an activity's position is its watermark.</summary>
    public sealed class Transcript
    {
        private readonly List<JsonObject> _activities = [];

        public string Append(string conversationId, JsonObject activity)
        {
            lock (_activities)
            {
                if (_activities.Count >= MaxActivities) throw new InvalidOperationException("This local conversation is full; reload the page.");
                var id = $"{conversationId}|{_activities.Count:D7}";
                activity["id"] = id;
                activity["timestamp"] ??= DateTimeOffset.UtcNow.ToString("o");
                activity["channelId"] = "directline";
                activity["conversation"] = new JsonObject { ["id"] = conversationId };
                _activities.Add(activity);
                return id;
            }
        }

        public (List<JsonNode> Activities, int Watermark) After(int watermark)
        {
            lock (_activities)
            {
                return (_activities.Skip(Math.Max(0, watermark)).Select(a => a.DeepClone()).ToList(), _activities.Count);
            }
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace ForumCloud.DevHost;

/// <summary>The settings of host.json the runner honours, with the Functions host's defaults.</summary>
public sealed record HostJson(string RoutePrefix, QueueSettings Queues)
{
    public static HostJson Load(string path)
    {
        var root = File.Exists(path)
            ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            : null;
        var extensions = root?["extensions"];
        var queues = extensions?["queues"];
        return new HostJson(
            (string?)extensions?["http"]?["routePrefix"] ?? "api",
            new QueueSettings(
                BatchSize: (int?)queues?["batchSize"] ?? 16,
                NewBatchThreshold: (int?)queues?["newBatchThreshold"] ?? 8,
                MaxDequeueCount: (int?)queues?["maxDequeueCount"] ?? 5,
                VisibilityTimeout: Span(queues?["visibilityTimeout"], TimeSpan.Zero),
                MaxPollingInterval: Span(queues?["maxPollingInterval"], TimeSpan.FromMinutes(1)),
                Base64: !string.Equals((string?)queues?["messageEncoding"], "none", StringComparison.OrdinalIgnoreCase)));
    }

    private static TimeSpan Span(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record QueueSettings(int BatchSize, int NewBatchThreshold, int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, bool Base64);

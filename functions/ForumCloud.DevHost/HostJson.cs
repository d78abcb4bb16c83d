using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ForumCloud.DevHost;

/// <summary>
/// The settings of host.json the runner honours, with the Functions host's defaults. As in the host, app
/// settings named `AzureFunctionsJobHost__path__to__setting` override the file (tests and the runner
/// override host.json this way, never by editing it).
/// </summary>
public sealed record HostJson(string RoutePrefix, QueueSettings Queues, IReadOnlyList<string> Functions)
{
    public const string OverrideSection = "AzureFunctionsJobHost";

    public static HostJson Load(string path, IConfiguration configuration)
    {
        var root = File.Exists(path)
            ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject()
            : new JsonObject();
        var overrides = configuration.GetSection(OverrideSection);
        Overlay(root, overrides);

        var extensions = root["extensions"];
        var queues = extensions?["queues"];
        return new HostJson(
            (string?)extensions?["http"]?["routePrefix"] ?? "api",
            new QueueSettings(
                BatchSize: Int(queues?["batchSize"], 16),
                NewBatchThreshold: Int(queues?["newBatchThreshold"], 8),
                MaxDequeueCount: Int(queues?["maxDequeueCount"], 5),
                VisibilityTimeout: Span(queues?["visibilityTimeout"], TimeSpan.Zero),
                MaxPollingInterval: Span(queues?["maxPollingInterval"], TimeSpan.FromMinutes(1)),
                Base64: !string.Equals((string?)queues?["messageEncoding"], "none", StringComparison.OrdinalIgnoreCase)),
            FunctionList(root["functions"], overrides.GetSection("functions")));
    }

    /// <summary>Copies every overriding setting onto the file's tree (keys are case-insensitive, as app settings are).</summary>
    private static void Overlay(JsonObject target, IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            if (child.Key.Equals("functions", StringComparison.OrdinalIgnoreCase)) continue; // a list, read by FunctionList()
            var existing = target.FirstOrDefault(p => p.Key.Equals(child.Key, StringComparison.OrdinalIgnoreCase)).Key ?? child.Key;
            if (child.Value is not null)
            {
                target[existing] = child.Value;
            }
            else
            {
                if (target[existing] is not JsonObject nested) target[existing] = nested = new JsonObject();
                Overlay(nested, child);
            }
        }
    }

    /// <summary>host.json's `functions`: the functions this host runs (empty: all of them).</summary>
    private static IReadOnlyList<string> FunctionList(JsonNode? file, IConfigurationSection overrides)
    {
        var overridden = overrides.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        return overridden.Count > 0 ? overridden : file?.AsArray().Select(f => (string)f!).ToList() ?? [];
    }

    private static int Int(JsonNode? node, int fallback) =>
        node is null ? fallback
        : node.GetValueKind() == JsonValueKind.String ? int.Parse((string)node!, CultureInfo.InvariantCulture)
        : (int)node;

    private static TimeSpan Span(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse((string)node!, CultureInfo.InvariantCulture);
}

public sealed record QueueSettings(int BatchSize, int NewBatchThreshold, int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, bool Base64);

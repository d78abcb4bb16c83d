using System.Collections;
using System.Text.Json.Nodes;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The one seam for the app's own telemetry: custom events (a registration, a filing, an unanswered
/// question, a notice given up on) that Application Insights shows as customEvents. An event is a log
/// record carrying `microsoft.custom_event.name`, which the Azure Monitor exporter turns into a custom
/// event; without the exporter it is an ordinary log line. Properties are ids, kinds and counts only:
/// never an email, a name or a token.
/// </summary>
public sealed class ForumTelemetry(ILogger<ForumTelemetry> logger)
{
    public const string EventNameAttribute = "microsoft.custom_event.name";

    public void Event(string name, params (string Key, object? Value)[] properties) =>
        logger.Log(LogLevel.Information, new EventId(1, name), new CustomEvent(name, properties), null, static (e, _) => e.ToString());

    /// <summary>
    /// Sends the worker's telemetry to Application Insights when <see cref="SettingNames.ApplicationInsightsConnectionString"/>
    /// is set: Azure SDK calls (tables, queues) as dependencies, logs and custom events, sampled as host.json's
    /// `logging.applicationInsights.samplingSettings` says. Requests come from the Functions host itself.
    /// </summary>
    public static bool Export(IOpenTelemetryBuilder telemetry, IConfiguration configuration, string hostJsonPath)
    {
        if (configuration[SettingNames.ApplicationInsightsConnectionString] is not { Length: > 0 } connectionString) return false;

        // The Azure SDK emits its spans (the dependencies) only with this switch on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var perSecond = MaxItemsPerSecond(hostJsonPath);
        var credential = Credential(configuration[SettingNames.ApplicationInsightsAuthenticationString]);
        telemetry.WithTracing(tracing => tracing.AddSource("Azure.*"));
        telemetry.UseAzureMonitorExporter(options =>
        {
            options.ConnectionString = connectionString;
            // host.json's limit as a rate-limited sampler; with sampling off in host.json, every trace is kept.
            options.TracesPerSecond = perSecond;
            if (perSecond is null) options.SamplingRatio = 1F;
            if (credential is not null) options.Credential = credential;
        });
        return true;
    }

    /// <summary>The managed identity that `Authorization=AAD[;ClientId=...]` names, as the Functions host reads that setting.</summary>
    public static Azure.Core.TokenCredential? Credential(string? authenticationString)
    {
        var parts = (authenticationString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !kind.Equals("AAD", StringComparison.OrdinalIgnoreCase)) return null;
        return parts.TryGetValue("ClientId", out var clientId)
            ? new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.SystemAssigned);
    }

    /// <summary>host.json's adaptive sampling limit (the host's default is 20 items per second), or null when sampling is off.</summary>
    private static double? MaxItemsPerSecond(string hostJsonPath)
    {
        if (!File.Exists(hostJsonPath)) return null;
        var sampling = JsonNode.Parse(File.ReadAllText(hostJsonPath))?["logging"]?["applicationInsights"]?["samplingSettings"];
        if (sampling is null || (bool?)sampling["isEnabled"] == false) return null;
        return (double?)sampling["maxTelemetryItemsPerSecond"] ?? 20;
    }

    /// <summary>The log state: the event name attribute, the properties, and a readable line.</summary>
    private sealed class CustomEvent(string name, (string Key, object? Value)[] properties) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _items =
        [
            new(EventNameAttribute, name),
            .. properties.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)),
            new("{OriginalFormat}", "Event {" + EventNameAttribute + "}"),
        ];

        public int Count => _items.Length;

        public KeyValuePair<string, object?> this[int index] => _items[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"Event {name}" + string.Concat(properties.Select(p => $" {p.Key}={p.Value}"));
    }
}

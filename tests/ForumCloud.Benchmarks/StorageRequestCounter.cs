using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ForumCloud.Benchmarks;

/// <summary>
/// Counts the runner's storage round trips by kind ("GET filings(entity)", "POST $batch", "DELETE filings/messages"),
/// through the Azure SDK pipeline of the clients the app builds: how the benchmarks find where a message's time goes.
/// </summary>
public sealed partial class StorageRequestCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    public void Reset() => _counts.Clear();

    public IReadOnlyDictionary<string, int> Snapshot() => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    /// <summary>Per unit of work, rounded: {"GET filings(entity)": 1.0, ...}.</summary>
    public IReadOnlyDictionary<string, double> Per(int units) =>
        Snapshot().ToDictionary(kv => kv.Key, kv => Math.Round((double)kv.Value / Math.Max(1, units), 3), StringComparer.Ordinal);

    private void Count(HttpMessage message)
    {
        var path = message.Request.Uri.Path;
        var kind = message.Request.Method + " " + Keys().Replace(MessageId().Replace(Account().Replace(path, ""), "/messages"), "(entity)");
        if (message.Request.Uri.Query.Contains("$filter", StringComparison.Ordinal)) kind += "?$filter";
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    [GeneratedRegex("^/*(devstoreaccount1/)?")]
    private static partial Regex Account();

    [GeneratedRegex("/messages/[^/]+$")]
    private static partial Regex MessageId();

    [GeneratedRegex(@"\(PartitionKey=.*\)$")]
    private static partial Regex Keys();
}

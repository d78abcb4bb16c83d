using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// Fails chosen storage requests with a transient status before they leave the process, through the
/// Azure SDK's own pipeline: the SDK's retry policy (per-retry position) sees them as real 503s.
/// </summary>
public sealed class TransientFaultPolicy(Func<HttpMessage, bool> shouldFail, int failuresPerRequest) : HttpPipelinePolicy
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _failures = new();

    public int Injected;

    /// <summary>
    /// Whether a request reads or writes the table: its own URL, or an entity-group transaction ($batch) whose
    /// body names it (the body is buffered multipart, so reading it here does not consume it).
    /// </summary>
    public static bool Touches(HttpMessage message, string table)
    {
        var path = message.Request.Uri.Path;
        if (path.Contains("/" + table, StringComparison.Ordinal)) return true;
        if (!path.EndsWith("$batch", StringComparison.Ordinal) || message.Request.Content is not { } content) return false;
        using var body = new MemoryStream();
        content.WriteTo(body, CancellationToken.None);
        // Inserts name the table ("POST .../notifications HTTP/1.1"), updates and deletes its entity ("/notifications(...)").
        return System.Text.RegularExpressions.Regex.IsMatch(System.Text.Encoding.UTF8.GetString(body.ToArray()), "/" + table + "[ (?]");
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        // One request (all its retries) is identified by its client request id.
        var id = message.Request.ClientRequestId;
        if (shouldFail(message) && _failures.AddOrUpdate(id, 1, (_, n) => n + 1) <= failuresPerRequest)
        {
            Interlocked.Increment(ref Injected);
            message.Response = new StatusResponse(503, id);
            return;
        }

        await ProcessNextAsync(message, pipeline);
    }

    /// <summary>A bare 503 answer, as a storage front end gives when it is busy.</summary>
    private sealed class StatusResponse(int status, string clientRequestId) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => "Service Unavailable";

        public override bool IsError => true;

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, out string value)
        {
            value = "";
            return false;
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = [];
            return false;
        }
    }
}

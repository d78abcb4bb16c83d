using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>One table request as it left the process: the table, whether it was a query, and the query's filter.</summary>
public sealed record TableRequest(string Method, string Table, bool IsQuery, string? Filter)
{
    public override string ToString() => $"{Method} {Table}{(IsQuery ? "()" : "(keys)")}{(Filter is null ? "" : " $filter=" + Filter)}";
}

/// <summary>
/// Records every table request through the Azure SDK pipeline of the clients the app builds (added to
/// <c>TableClientOptions</c> through <c>StorageAccount.FromConnectionString</c>'s configure hook).
/// </summary>
public sealed partial class TableRequestLog : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<TableRequest> _requests = new();

    public IReadOnlyList<TableRequest> Requests => _requests.ToArray();

    public void Clear() => _requests.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    /// <summary>A query on one of these tables that does not pin one partition would, on Azure, scan the table.</summary>
    public static bool PinsOnePartition(TableRequest request) =>
        !request.IsQuery || (request.Filter is { } filter && OnePartition().IsMatch(filter));

    private void Record(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        var last = Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        var match = Resource().Match(last);
        if (!match.Success) return; // $batch (a transaction: writes in one partition), Tables
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var keys = match.Groups["keys"].Value;
        var method = message.Request.Method;
        _requests.Enqueue(new TableRequest(method.ToString(), match.Groups["table"].Value, keys.Length == 0 && method == RequestMethod.Get, query["$filter"])); // a POST without keys is an insert
    }

    // "forumevents()" or "forumevents" (a query), "forumevents(PartitionKey='a',RowKey='b')" (one entity).
    [GeneratedRegex(@"^(?<table>[A-Za-z][A-Za-z0-9]{2,62})(\((?<keys>[^)]*)\))?$")]
    private static partial Regex Resource();

    // The filter starts with an equality on PartitionKey that the rest is AND-ed to (as CreateQueryFilter writes it).
    [GeneratedRegex(@"^\(?PartitionKey eq '([^']|'')*'\)?( and .*)?$", RegexOptions.Singleline)]
    private static partial Regex OnePartition();
}

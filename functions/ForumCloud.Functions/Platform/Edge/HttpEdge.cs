using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// What happens around every HTTP function, whoever hosts it: the per-client limits (<see cref="RateLimits"/>, 429),
/// the staff check for a function marked <see cref="StaffOnlyAttribute"/> (<see cref="StaffGate"/>, 401/403), and
/// the translation of what the function threw: a <see cref="ProblemException"/> becomes its problem details, a
/// storage outage 503 with Retry-After, anything else is logged and answered 500 without a stack trace.
/// In the Function App it runs as worker middleware (<see cref="HttpEdgeMiddleware"/>); the local runner calls the
/// same method around its invocation, because it has no worker pipeline to run middleware in.
/// </summary>
public sealed class HttpEdge(RateLimits limits, StaffGate staffGate, ILogger<HttpEdge> logger)
{
    /// <summary>Runs <paramref name="function"/> and returns what the host must execute: its IActionResult, or a <see cref="ProblemAnswer"/>.</summary>
    public async Task<object?> InvokeAsync(HttpContext http, bool staffOnly, Func<Task<object?>> function)
    {
        var request = http.Request;
        try
        {
            limits.Admit(request);
            if (staffOnly) http.Features.Set(staffGate.Demand(request));
            return await function();
        }
        catch (ProblemException problem)
        {
            return new ProblemAnswer(problem);
        }
        catch (Exception ex) when (StorageFaults.IsOutage(ex))
        {
            logger.LogWarning(ex, "Storage unavailable while serving {Method} {Path}", request.Method, request.Path.Value);
            return new ProblemAnswer(ProblemException.Unavailable("Storage is not answering; try again shortly."));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return new StatusCodeResult(499); // the client went away; nobody reads this
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Unhandled error serving {Method} {Path}", request.Method, request.Path.Value);
            return new ProblemAnswer(new ProblemException(500, "An unexpected error occurred.", "The error was logged; try again or contact the commission."));
        }
    }
}

/// <summary>Tells a storage outage (retry later) from a request the storage refused (a bug or a conflict).</summary>
public static class StorageFaults
{
    public static bool IsOutage(Exception ex) => ex switch
    {
        RequestFailedException { Status: 0 or 408 or 500 or 502 or 503 or 504 } => true,
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        AggregateException agg => agg.InnerExceptions.All(IsOutage),
        _ => ex.InnerException is not null && IsOutage(ex.InnerException),
    };
}

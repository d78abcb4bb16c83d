using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The edge every HTTP function runs its work through: a <see cref="ProblemException"/> becomes its
/// problem-details answer, a storage outage becomes 503 with Retry-After, anything else is logged and
/// answered 500 without a stack trace; a caller over its rate limit (<see cref="RateLimits"/>) gets 429. Done here rather than in worker middleware so that the Function
/// App and the local runner behave identically.
/// </summary>
public static class HttpEndpoint
{
    public static async Task<IActionResult> RunAsync(HttpRequest request, ILogger logger, Func<Task<IActionResult>> work)
    {
        try
        {
            // The one place the per-client limits apply (only the routes RateLimits lists are limited).
            request.HttpContext.RequestServices?.GetService<RateLimits>()?.Admit(request);
            return await work();
        }
        catch (ProblemException problem)
        {
            return ApiResults.Problem(problem, request.Path);
        }
        catch (Exception ex) when (StorageFaults.IsOutage(ex))
        {
            logger.LogWarning(ex, "Storage unavailable while serving {Method} {Path}", request.Method, request.Path.Value);
            return ApiResults.Problem(ProblemException.Unavailable("Storage is not answering; try again shortly."), request.Path);
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return new StatusCodeResult(499);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Unhandled error serving {Method} {Path}", request.Method, request.Path.Value);
            return ApiResults.Problem(new ProblemException(500, "An unexpected error occurred.", "The error was logged; try again or contact the commission."), request.Path);
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

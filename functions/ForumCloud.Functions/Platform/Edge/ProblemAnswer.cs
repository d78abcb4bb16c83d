using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// A <see cref="ProblemException"/> as the HTTP answer: its status (and Retry-After), and its problem details
/// written through ASP.NET Core's <see cref="IProblemDetailsService"/>.
/// </summary>
public sealed class ProblemAnswer(ProblemException problem) : IResult
{
    private static readonly HashSet<string> StandardMembers = new(["type", "title", "status", "detail", "instance"], StringComparer.OrdinalIgnoreCase);

    public ProblemException Problem => problem;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = problem.Status;
        if (problem.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var details = new ProblemDetails
        {
            Type = ProblemTypes.For(problem.Status),
            Title = problem.Title,
            Status = problem.Status,
            Detail = problem.Detail,
            Instance = httpContext.Request.Path.Value,
        };
        if (problem.Errors is not null) details.Extensions["errors"] = problem.Errors;
        // Extensions add members; they never replace (or, as extension data, repeat) the standard ones.
        foreach (var (key, value) in problem.Extensions ?? new Dictionary<string, object?>())
        {
            if (!StandardMembers.Contains(key)) details.Extensions.TryAdd(key, value);
        }

        await httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details });
    }
}

/// <summary>
/// The API's problem-details writer, ahead of ASP.NET Core's default: the API's JSON dialect (<see cref="ApiJson"/>),
/// and written whatever the Accept header says (the default writer refuses a browser's `Accept: text/html`, which
/// would leave a page's failed request with no body at all).
/// </summary>
public sealed class ApiProblemWriter : IProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, context.ProblemDetails, ApiJson.Options, context.HttpContext.RequestAborted);
    }
}

internal static class ProblemTypes
{
    // RFC 9110 section links, as ASP.NET Core's ProblemDetails defaults use.
    public static string For(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        410 => "https://tools.ietf.org/html/rfc9110#section-15.5.11",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}

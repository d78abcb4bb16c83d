using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The HTTP answers every function gives. Each writes its own body with <see cref="ApiJson.Options"/>,
/// so the Function App and the local runner produce byte-identical responses without MVC formatters.
/// </summary>
public static class ApiResults
{
    public static IActionResult Ok(object body) => new JsonBodyResult(StatusCodes.Status200OK, body);

    public static IActionResult Created(string location, object body) =>
        new JsonBodyResult(StatusCodes.Status201Created, body) { Headers = { ["Location"] = location } };

    public static IActionResult Accepted(string location, object body) =>
        new JsonBodyResult(StatusCodes.Status202Accepted, body) { Headers = { ["Location"] = location } };

    public static IActionResult NoContent() => new StatusCodeResult(StatusCodes.Status204NoContent);

    public static ContentBodyResult Text(string contentType, string body, int status = StatusCodes.Status200OK) =>
        new(status, contentType, System.Text.Encoding.UTF8.GetBytes(body));

    /// <summary>A download: the bytes as given (a CSV keeps its BOM), with a file name for the browser.</summary>
    public static ContentBodyResult Download(string contentType, byte[] content, string fileName) =>
        new(StatusCodes.Status200OK, contentType, content) { Headers = { ["Content-Disposition"] = $"attachment; filename=\"{fileName}\"" } };

    public static IActionResult Problem(ProblemException problem, string? instance = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = ProblemTypes.For(problem.Status),
            ["title"] = problem.Title,
            ["status"] = problem.Status,
        };
        if (problem.Detail is not null) body["detail"] = problem.Detail;
        if (instance is not null) body["instance"] = instance;
        if (problem.Errors is not null) body["errors"] = problem.Errors;
        if (problem.Extensions is not null)
        {
            // Extensions add members; they never replace the standard ones.
            foreach (var (key, value) in problem.Extensions) body.TryAdd(key, value);
        }

        var result = new JsonBodyResult(problem.Status, body) { ContentType = "application/problem+json" };
        if (problem.RetryAfterSeconds is { } seconds) result.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }
}

/// <summary>A JSON body with a status and headers.</summary>
public sealed class JsonBodyResult(int status, object body) : IActionResult
{
    public string ContentType { get; init; } = "application/json; charset=utf-8";

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int Status => status;

    public object Body => body;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), ApiJson.Options, context.HttpContext.RequestAborted);
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

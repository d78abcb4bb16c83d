using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// A non-JSON body (a page, a YAML document, a CSV download) written straight to the response. MVC's
/// ContentResult and FileContentResult need executor services that only MVC registers; this needs none,
/// so it behaves the same in the Function App and the local runner.
/// </summary>
public sealed class ContentBodyResult(int status, string contentType, byte[] body) : IActionResult
{
    public int Status => status;

    public byte[] Body => body;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ContentBodyResult WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }
}

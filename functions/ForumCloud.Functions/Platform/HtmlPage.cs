using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// An HTML page of the app (chat, confirmation, verification) as an ordinary ContentResult, with the headers every
/// page sends: no sniffing, no Referer (links carry tokens), its cache rule and Content-Security-Policy.
/// </summary>
public static class HtmlPage
{
    public static ContentResult Result(HttpResponse response, string html, string cacheControl, string? contentSecurityPolicy = null)
    {
        SetHeaders(response, cacheControl, contentSecurityPolicy);
        return new ContentResult { Content = html, ContentType = "text/html; charset=utf-8", StatusCode = StatusCodes.Status200OK };
    }

    /// <summary>The headers alone, for a page (or a page's script) served as a file (the staff desk).</summary>
    public static void SetHeaders(HttpResponse response, string cacheControl, string? contentSecurityPolicy = null)
    {
        response.Headers.CacheControl = cacheControl;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        if (contentSecurityPolicy is not null) response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
    }
}

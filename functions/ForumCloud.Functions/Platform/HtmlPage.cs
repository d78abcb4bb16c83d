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

    /// <summary>
    /// Every page's frame: its language, UTF-8, a phone's viewport, its title and style. A page reached by a link that
    /// carries a token is not <paramref name="indexed"/>.
    /// </summary>
    public static string Document(string language, string title, string style, string body, bool indexed = false) => $$"""
        <!DOCTYPE html>
        <html lang="{{language}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{(indexed ? "" : "<meta name=\"robots\" content=\"noindex\">\n")}}<title>{{title}}</title>
        <style>{{style}}</style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;

    /// <summary>The headers alone, for a page (or a page's script) served as a file (the staff desk).</summary>
    public static void SetHeaders(HttpResponse response, string cacheControl, string? contentSecurityPolicy = null)
    {
        response.Headers.CacheControl = cacheControl;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        if (contentSecurityPolicy is not null) response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
    }
}

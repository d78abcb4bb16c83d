using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ForumCloud.Functions.Desk;

/// <summary>
/// The desk's files (Desk/wwwroot and jsQR from node_modules, copied to desk/ in the build output), read once.
/// Only the names below are served: a request for anything else is 404 without touching the disk.
/// </summary>
public sealed class DeskAssets
{
    // No inline script or style anywhere; the camera only for this origin; the page never framed.
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; " +
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["desk.js"] = "text/javascript; charset=utf-8",
        ["desk.css"] = "text/css; charset=utf-8",
        ["jsqr.js"] = "text/javascript; charset=utf-8",
    };

    private readonly Dictionary<string, byte[]> _files;

    public DeskAssets() : this(Path.Combine(AppContext.BaseDirectory, "desk"))
    {
    }

    public DeskAssets(string folder)
    {
        _files = Types.Keys.Where(name => File.Exists(Path.Combine(folder, name)))
            .ToDictionary(name => name, name => File.ReadAllBytes(Path.Combine(folder, name)), StringComparer.Ordinal);
    }

    /// <summary>Whether the QR decoder was bundled (node_modules/jsqr at build time); without it only typed codes and BarcodeDetector work.</summary>
    public bool HasDecoder => _files.ContainsKey("jsqr.js");

    public IActionResult Serve(HttpResponse response, string name)
    {
        if (!_files.TryGetValue(name, out var body)) throw ProblemException.NotFound("The desk has no such file.");

        HtmlPage.SetHeaders(response, name == "index.html" ? "no-store" : "no-cache", ContentSecurityPolicy);
        response.Headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()";
        return new FileContentResult(body, Types[name]);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Desk;

/// <summary>
/// The staff desk: a static console (check-in desk with a camera, review queues) served by the Function App.
/// The page and its scripts are public and hold no data or secret; everything it shows comes from the staff
/// routes, called with the staff member's function key in a header (and, with Easy Auth, their session).
/// </summary>
public sealed class DeskFunctions(DeskAssets assets)
{
    [Function("StaffDesk")]
    public IActionResult Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "desk")] HttpRequest request) =>
        assets.Serve(request.HttpContext.Response, "index.html");

    [Function("StaffDeskAsset")]
    public IActionResult Asset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "desk/assets/{name}")] HttpRequest request,
        string name) =>
        assets.Serve(request.HttpContext.Response, name);
}

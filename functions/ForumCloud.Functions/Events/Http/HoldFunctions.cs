using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The confirmation of an anonymous registration. The mailed link opens a page (GET, which changes nothing: mail
/// scanners follow links) whose one button POSTs the token; partners register delegations in one call.
/// </summary>
public sealed class HoldFunctions(RegistrationHolds holds, Delegations delegations)
{
    [Function("ConfirmPage")]
    public IActionResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "confirm")] HttpRequest request) =>
        HtmlPage.Result(request.HttpContext.Response, ConfirmPageHtml.Page, cacheControl: "no-store", ConfirmPageHtml.ContentSecurityPolicy);

    [Function("ConfirmRegistration")]
    public async Task<IActionResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "registrations/confirm")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<ConfirmRequest>(request, cancellationToken);
        return new OkObjectResult(await holds.ConfirmAsync(body, cancellationToken));
    }

    [Function("RegisterDelegation")]
    public async Task<IActionResult> Delegation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners/{partnerId}/delegations")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(Partners.PartnerRegistry.PartnerIds, partnerId);
        var body = await RequestBody.ReadJsonAsync<DelegationRequest>(request, cancellationToken);
        var key = request.Headers.TryGetValue(RegistrationFunctions.IdempotencyKeyHeader, out var values) ? values.ToString() : null;
        var (receipt, replayed) = await delegations.RegisterAsync(id, body, key, AccessToken.Of(request), cancellationToken);
        if (replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return new OkObjectResult(receipt);
    }
}

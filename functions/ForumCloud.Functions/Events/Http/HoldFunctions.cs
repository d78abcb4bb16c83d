using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The confirmation of an anonymous registration. The mailed link opens a page (GET, which changes nothing: mail
/// scanners follow links) whose one button POSTs the token; partners register delegations in one call.
/// </summary>
public sealed class HoldFunctions(RegistrationHolds holds, Delegations delegations, ILogger<HoldFunctions> logger)
{
    [Function("ConfirmPage")]
    public IActionResult Page([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "confirm")] HttpRequest request) =>
        ApiResults.Text("text/html; charset=utf-8", ConfirmPageHtml.Page)
            .WithHeader("Cache-Control", "no-store")
            .WithHeader("Referrer-Policy", "no-referrer") // the token is in the query string: keep it out of Referer headers
            .WithHeader("Content-Security-Policy", ConfirmPageHtml.ContentSecurityPolicy);

    [Function("ConfirmRegistration")]
    public Task<IActionResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "registrations/confirm")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadJsonAsync<ConfirmRequest>(request, cancellationToken);
            return ApiResults.Ok(await holds.ConfirmAsync(body, cancellationToken));
        });

    [Function("RegisterDelegation")]
    public Task<IActionResult> Delegation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners/{partnerId}/delegations")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            var id = RouteIds.Require(Partners.PartnerRegistry.PartnerIds, partnerId);
            var body = await RequestBody.ReadJsonAsync<DelegationRequest>(request, cancellationToken);
            var key = request.Headers.TryGetValue(RegistrationFunctions.IdempotencyKeyHeader, out var values) ? values.ToString() : null;
            var (receipt, replayed) = await delegations.RegisterAsync(id, body, key, request.Headers[RegistrationFunctions.AccessTokenHeader].ToString(), cancellationToken);
            var result = (JsonBodyResult)ApiResults.Ok(receipt);
            if (replayed) result.Headers["Idempotent-Replayed"] = "true";
            return result;
        });
}

using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Partner registration and reading. The partner's own route takes its access token; staff read through
/// a separate `staff/` route, because in Azure a function key is checked by the host per function, and
/// an anonymous route cannot ask the host whether a key was valid.
/// </summary>
public sealed class PartnerFunctions(PartnerRegistry partners, StaffGate staffGate, ILogger<PartnerFunctions> logger)
{
    public const string AccessTokenHeader = "X-Access-Token";

    [Function("RegisterPartner")]
    public Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadJsonAsync<PartnerCreate>(request, cancellationToken);
            var created = await partners.RegisterAsync(body, cancellationToken);
            logger.LogInformation("Partner {PartnerId} registered ({RegionCategory})", created.PartnerId, created.RegionCategory);
            return ApiResults.Created($"/api/partners/{created.PartnerId}", created);
        });

    [Function("GetPartner")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            var id = RouteIds.Require(PartnerRegistry.PartnerIds, partnerId);
            var partner = await partners.OpenAsync(id, request.Headers[AccessTokenHeader].ToString(), cancellationToken);
            return ApiResults.Ok(PartnerView.Of(partner));
        });

    [Function("StaffGetPartner")]
    public Task<IActionResult> StaffGet(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            staffGate.Demand(request);
            var id = RouteIds.Require(PartnerRegistry.PartnerIds, partnerId);
            return ApiResults.Ok(PartnerView.Of(await partners.GetAsync(id, cancellationToken)));
        });
}

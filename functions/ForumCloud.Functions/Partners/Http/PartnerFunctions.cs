using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Partner registration, verification and reading. The partner's own route takes its access token; staff read
/// and suspend through separate `staff/` routes, because in Azure a function key is checked by the host per
/// function, and an anonymous route cannot ask the host whether a key was valid.
/// </summary>
public sealed class PartnerFunctions(PartnerRegistry partners, ILogger<PartnerFunctions> logger)
{
    [Function("RegisterPartner")]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<PartnerCreate>(request, cancellationToken);
        var pending = await partners.RegisterAsync(body, cancellationToken);
        logger.LogInformation("Partner {PartnerId} registered ({RegionCategory}), pending verification", pending.PartnerId, pending.RegionCategory);
        return new AcceptedResult($"/api/partners/{pending.PartnerId}", pending);
    }

    [Function("PartnerVerifyPage")]
    public IActionResult VerifyPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "partners/verify")] HttpRequest request) =>
        Platform.VerifyPage.Render(request.HttpContext.Response, "验证合作伙伴 · Verify the partner", "/api/partners/verify");

    [Function("VerifyPartner")]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners/verify")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<VerifyRequest>(request, cancellationToken);
        var verified = await partners.VerifyAsync(body.Token, cancellationToken);
        logger.LogInformation("Partner {PartnerId} verified", verified.PartnerId);
        return new OkObjectResult(verified);
    }

    [Function("GetPartner")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        var partner = await partners.OpenAsync(request, partnerId, cancellationToken);
        return new OkObjectResult(PartnerView.Of(partner));
    }

    [Function("ErasePartnerContact")]
    public async Task<IActionResult> EraseContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners/{partnerId}/erasure")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(PartnerRegistry.PartnerIds, partnerId);
        var partner = await partners.EraseContactAsync(id, AccessToken.Of(request), cancellationToken);
        logger.LogInformation("Partner {PartnerId} contact erased at its request", partner.PartnerId);
        return new OkObjectResult(PartnerView.Of(partner));
    }

    [Function("StaffGetPartner")]
    [StaffOnly]
    public async Task<IActionResult> StaffGet(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/partners/{partnerId}")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(PartnerRegistry.PartnerIds, partnerId);
        return new OkObjectResult(PartnerView.Of(await partners.GetAsync(id, cancellationToken), forStaff: true));
    }

    [Function("SetPartnerStatus")]
    [StaffOnly]
    public async Task<IActionResult> SetStatus(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/partners/{partnerId}/status")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        var (actor, id, body) = await StaffCommand<PartnerStatusChange>.ReadAsync(request, PartnerRegistry.PartnerIds, partnerId, cancellationToken);
        var changed = await partners.SetStatusAsync(id, body, actor, cancellationToken);
        logger.LogInformation("Partner {PartnerId} set to {Status} by staff", id, changed.Status);
        return new OkObjectResult(PartnerView.Of(changed, forStaff: true));
    }
}

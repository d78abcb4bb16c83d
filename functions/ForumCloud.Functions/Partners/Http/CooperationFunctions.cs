using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Partners;

/// <summary>A partner records a cooperation, lists its records and reads one (with its history), using its access token.</summary>
public sealed class CooperationFunctions(PartnerRegistry partners, CooperationBook book, CooperationQuery query, ILogger<CooperationFunctions> logger)
{
    [Function("CreateCooperation")]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "partners/{partnerId}/cooperations")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        // The token first: a caller who cannot open the partner learns nothing from validating its body.
        var partner = await partners.OpenAsync(request, partnerId, cancellationToken);
        var body = await RequestBody.ReadJsonAsync<CooperationCreate>(request, cancellationToken);
        var created = await book.CreateAsync(partner, body, $"partner:{partner.PartnerId}", cancellationToken);
        logger.LogInformation("Cooperation {CooperationId} proposed by partner {PartnerId}", created.CooperationId, partner.PartnerId);
        return new CreatedResult($"/api/cooperations/{created.CooperationId}", created);
    }

    [Function("GetCooperation")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "cooperations/{cooperationId}")] HttpRequest request,
        string cooperationId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(CooperationBook.CooperationIds, cooperationId);
        var record = await book.GetForPartnerAsync(id, AccessToken.Of(request), cancellationToken);
        return new OkObjectResult(record);
    }

    [Function("ListPartnerCooperations")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "partners/{partnerId}/cooperations")] HttpRequest request,
        string partnerId,
        CancellationToken cancellationToken)
    {
        var partner = await partners.OpenAsync(request, partnerId, cancellationToken);
        var (q, errors) = (request.Query, new FieldErrors());
        // The staff query with the partner filter fixed to the token's partner.
        var filter = CooperationFilter.Parse(errors, q["status"], null, q["type"], null, null) with { PartnerId = partner.PartnerId };
        var page = PageRequest.Read(q, errors);
        errors.ThrowIfAny();
        return new OkObjectResult(await query.ListAsync(filter, page.PageSize, page.Continuation, cancellationToken));
    }
}

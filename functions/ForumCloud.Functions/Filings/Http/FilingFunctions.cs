using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Filings;

/// <summary>HTTP edge of technology import and export filings.</summary>
public sealed class FilingFunctions(
    FilingSubmissions submissions,
    FilingViews views,
    FilingStore store,
    FilingDecisions decisions,
    FilingDeadlines deadlines,
    FilingVoids voids,
    ILogger<FilingFunctions> logger)
{
    private static readonly IdKind FilingId = RouteIds.Generated("fil", "filing");

    [Function("SubmitFiling")]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "filings")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<FilingSubmissionRequest>(request, cancellationToken);
        var accepted = await submissions.SubmitAsync(body, AccessToken.Of(request), cancellationToken);
        return new AcceptedResult(accepted.StatusUrl, accepted);
    }

    [Function("GetFiling")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "filings/{filingId}")] HttpRequest request,
        string filingId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(FilingId, filingId);
        return new OkObjectResult(await views.ForApplicantAsync(id, AccessToken.Of(request), cancellationToken));
    }

    [Function("ListFilings")]
    [StaffOnly]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/filings")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var status = errors.OptionalEnum<FilingStatus>("status", request.Query["status"]);
        var direction = errors.OptionalEnum<FilingDirection>("direction", request.Query["direction"]);
        var paging = PageRequest.Read(request.Query, errors);
        errors.ThrowIfAny();
        var page = await store.ListAsync(status, direction, paging.PageSize, paging.Continuation, cancellationToken);
        return new OkObjectResult(page with { Items = page.Items.Select(f => f with { WorkingDaysLeft = deadlines.WorkingDaysLeft(f.DecisionDueBy) }).ToList() });
    }

    [Function("GetFilingForStaff")]
    [StaffOnly]
    public async Task<IActionResult> GetForStaff(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/filings/{filingId}")] HttpRequest request,
        string filingId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(FilingId, filingId);
        return new OkObjectResult(await views.ForStaffAsync(id, cancellationToken));
    }

    [Function("DecideFiling")]
    [StaffOnly]
    public async Task<IActionResult> Decide(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/filings/{filingId}/decision")] HttpRequest request,
        string filingId,
        CancellationToken cancellationToken)
    {
        var (actor, id, body) = await StaffCommand<StaffDecisionRequest>.ReadAsync(request, FilingId, filingId, cancellationToken);
        await decisions.DecideAsync(id, body, actor, cancellationToken);
        return new OkObjectResult(await views.ForStaffAsync(id, cancellationToken));
    }

    [Function("VoidFiling")]
    [StaffOnly]
    public async Task<IActionResult> Void(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/filings/{filingId}/void")] HttpRequest request,
        string filingId,
        CancellationToken cancellationToken)
    {
        var (actor, id, body) = await StaffCommand<VoidRequest>.ReadAsync(request, FilingId, filingId, cancellationToken);
        await voids.VoidAsync(id, body, actor, cancellationToken);
        logger.LogInformation("Filing {FilingId} voided by staff", id);
        return new OkObjectResult(await views.ForStaffAsync(id, cancellationToken));
    }
}

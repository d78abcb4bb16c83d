using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Filings;

/// <summary>HTTP edge of filing applicants: registration, verification by the mailed link, and staff's enterprise check.</summary>
public sealed class ApplicantFunctions(ApplicantRegistry applicants, ILogger<ApplicantFunctions> logger)
{
    [Function("RegisterApplicant")]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "applicants")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<ApplicantCreate>(request, cancellationToken);
        var pending = await applicants.RegisterAsync(body, cancellationToken);
        logger.LogInformation("Applicant {ApplicantId} registered, pending verification", pending.ApplicantId);
        return new AcceptedResult($"/api/staff/applicants/{pending.ApplicantId}", pending);
    }

    [Function("ApplicantVerifyPage")]
    public IActionResult VerifyPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "applicants/verify")] HttpRequest request) =>
        Platform.VerifyPage.Render(request.HttpContext.Response, "验证登记账户 · Verify the filing account", "/api/applicants/verify");

    [Function("VerifyApplicant")]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "applicants/verify")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadJsonAsync<VerifyRequest>(request, cancellationToken);
        var verified = await applicants.VerifyAsync(body.Token, cancellationToken);
        logger.LogInformation("Applicant {ApplicantId} verified", verified.ApplicantId);
        return new OkObjectResult(verified);
    }

    [Function("EraseApplicantContact")]
    public async Task<IActionResult> EraseContact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "applicants/{applicantId}/erasure")] HttpRequest request,
        string applicantId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(ApplicantRegistry.ApplicantIds, applicantId);
        var erased = await applicants.EraseContactAsync(id, AccessToken.Of(request), cancellationToken);
        logger.LogInformation("Applicant {ApplicantId} contact erased at its request", erased.ApplicantId);
        return new OkObjectResult(ApplicantView.Of(erased, forStaff: false));
    }

    [Function("StaffListApplicants")]
    [StaffOnly]
    public async Task<IActionResult> StaffList(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/applicants")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var enterprise = errors.OptionalEnum<EnterpriseVerification>("enterprise", request.Query["enterprise"]) ?? EnterpriseVerification.Unchecked;
        var page = PageRequest.Read(request.Query, errors);
        errors.ThrowIfAny();
        return new OkObjectResult(await applicants.ListAsync(enterprise, page.Continuation, page.PageSize, cancellationToken));
    }

    [Function("StaffGetApplicant")]
    [StaffOnly]
    public async Task<IActionResult> StaffGet(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/applicants/{applicantId}")] HttpRequest request,
        string applicantId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(ApplicantRegistry.ApplicantIds, applicantId);
        return new OkObjectResult(ApplicantView.Of(await applicants.GetAsync(id, cancellationToken)));
    }

    [Function("VerifyApplicantEnterprise")]
    [StaffOnly]
    public async Task<IActionResult> DecideEnterprise(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/applicants/{applicantId}/verification")] HttpRequest request,
        string applicantId,
        CancellationToken cancellationToken)
    {
        var (actor, id, body) = await StaffCommand<EnterpriseDecisionRequest>.ReadAsync(request, ApplicantRegistry.ApplicantIds, applicantId, cancellationToken);
        var decided = await applicants.DecideEnterpriseAsync(id, body, actor, cancellationToken);
        logger.LogInformation("Applicant {ApplicantId} enterprise {Decision}", id, decided.Enterprise);
        return new OkObjectResult(ApplicantView.Of(decided));
    }
}

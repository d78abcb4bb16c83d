using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Partners;

/// <summary>Staff review cooperation records: list and filter them, read one, move it through its lifecycle, read the expiry reminders.</summary>
public sealed class CooperationStaffFunctions(CooperationBook book, CooperationQuery query, ReminderDigest reminders, StaffGate staffGate, ILogger<CooperationStaffFunctions> logger)
{
    [Function("StaffListCooperations")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/cooperations")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            staffGate.Demand(request);
            var q = request.Query;
            var filter = CooperationFilter.Parse(q["status"], q["country"], q["type"], q["partnerId"], q["expiringWithinDays"]);
            var pageSize = ContinuationToken.PageSize(q["pageSize"]);
            return ApiResults.Ok(await query.ListAsync(filter, pageSize, q["continuation"], cancellationToken));
        });

    [Function("StaffGetCooperation")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/cooperations/{cooperationId}")] HttpRequest request,
        string cooperationId,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            staffGate.Demand(request);
            var id = RouteIds.Require(CooperationBook.CooperationIds, cooperationId);
            return ApiResults.Ok(await book.GetAsync(id, cancellationToken));
        });

    [Function("StaffTransitionCooperation")]
    public Task<IActionResult> Transition(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/cooperations/{cooperationId}/transitions")] HttpRequest request,
        string cooperationId,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            var actor = staffGate.Demand(request);
            var id = RouteIds.Require(CooperationBook.CooperationIds, cooperationId);
            var (to, note, version) = CooperationBook.Validate(await RequestBody.ReadJsonAsync<TransitionRequest>(request, cancellationToken));
            var record = await book.TransitionAsync(id, to, note, version, actor.Name, cancellationToken);
            logger.LogInformation("Cooperation {CooperationId} moved to {Status} (version {Version})", id, record.Status, record.Version);
            return ApiResults.Ok(record);
        });

    [Function("StaffListReminders")]
    public Task<IActionResult> Reminders(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/reminders")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, logger, async () =>
        {
            staffGate.Demand(request);
            var q = request.Query;
            var (kind, since) = ReminderDigest.ParseFilter(q["kind"], q["writtenSince"]);
            var pageSize = ContinuationToken.PageSize(q["pageSize"]);
            return ApiResults.Ok(await reminders.ListAsync(kind, since, pageSize, q["continuation"], cancellationToken));
        });
}

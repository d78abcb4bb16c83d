using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Partners;

/// <summary>Staff review cooperation records: list and filter them, read one, move it through its lifecycle, read the expiry reminders.</summary>
public sealed class CooperationStaffFunctions(CooperationBook book, CooperationQuery query, ReminderDigest reminders, ILogger<CooperationStaffFunctions> logger)
{
    [Function("StaffListCooperations")]
    [StaffOnly]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/cooperations")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (q, errors) = (request.Query, new FieldErrors());
        var filter = CooperationFilter.Parse(errors, q["status"], q["country"], q["type"], q["partnerId"], q["expiringWithinDays"]);
        var page = PageRequest.Read(q, errors);
        errors.ThrowIfAny();
        return new OkObjectResult(await query.ListAsync(filter, page.PageSize, page.Continuation, cancellationToken));
    }

    [Function("StaffGetCooperation")]
    [StaffOnly]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/cooperations/{cooperationId}")] HttpRequest request,
        string cooperationId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(CooperationBook.CooperationIds, cooperationId);
        return new OkObjectResult(await book.GetAsync(id, cancellationToken));
    }

    [Function("StaffTransitionCooperation")]
    [StaffOnly]
    public async Task<IActionResult> Transition(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/cooperations/{cooperationId}/transitions")] HttpRequest request,
        string cooperationId,
        CancellationToken cancellationToken)
    {
        var (actor, id, body) = await StaffCommand<TransitionRequest>.ReadAsync(request, CooperationBook.CooperationIds, cooperationId, cancellationToken);
        var (to, note, version) = CooperationBook.Validate(body);
        var record = await book.TransitionAsync(id, to, note, version, actor.Name, cancellationToken);
        logger.LogInformation("Cooperation {CooperationId} moved to {Status} (version {Version})", id, record.Status, record.Version);
        return new OkObjectResult(record);
    }

    [Function("StaffListReminders")]
    [StaffOnly]
    public async Task<IActionResult> Reminders(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/reminders")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (q, errors) = (request.Query, new FieldErrors());
        var (kind, since) = ReminderDigest.ParseFilter(errors, q["kind"], q["writtenSince"]);
        var page = PageRequest.Read(q, errors);
        errors.ThrowIfAny();
        return new OkObjectResult(await reminders.ListAsync(kind, since, page.PageSize, page.Continuation, cancellationToken));
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Registrations, public side: register (anonymous: 202 and a mailed confirmation link; a verified partner: 201), view
/// and cancel with the manage token.
/// </summary>
public sealed class RegistrationFunctions(RegistrationDesk desk)
{
    public const string ManageTokenHeader = "X-Manage-Token";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    [Function("Register")]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events/{eventId}/registrations")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(RouteIds.EventSlug, eventId);
        var body = await RequestBody.ReadJsonAsync<RegistrationRequest>(request, cancellationToken);
        var key = request.Headers.TryGetValue(IdempotencyKeyHeader, out var values) ? values.ToString() : null;
        var outcome = await desk.RegisterAsync(id, body, key, AccessToken.Of(request), cancellationToken);
        if (outcome.Hold is { } hold) return new ObjectResult(hold) { StatusCode = StatusCodes.Status202Accepted };
        if (outcome.Replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return new CreatedResult($"/api/registrations/{outcome.Receipt!.Code}", outcome.Receipt);
    }

    [Function("GetRegistration")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "registrations/{code}")] HttpRequest request,
        string code,
        CancellationToken cancellationToken) =>
        new OkObjectResult(await desk.GetAsync(RegistrationCodes.Require(code), request.Headers[ManageTokenHeader].ToString(), cancellationToken));

    [Function("CancelRegistration")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "registrations/{code}")] HttpRequest request,
        string code,
        CancellationToken cancellationToken)
    {
        // ?erase=true: cancel if needed and erase the person's data, keeping an anonymous tombstone (PIPL Art. 47).
        var erase = request.Query["erase"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => throw ProblemException.Validation(new Dictionary<string, string[]> { ["erase"] = ["true or false."] }),
        };
        await desk.CancelAsync(RegistrationCodes.Require(code), request.Headers[ManageTokenHeader].ToString(), cancellationToken, erase);
        return new NoContentResult();
    }
}

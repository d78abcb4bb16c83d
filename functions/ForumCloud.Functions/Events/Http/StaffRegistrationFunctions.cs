using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ForumCloud.Functions.Events;

/// <summary>Registrations, staff side: the list (JSON or CSV) and check-in.</summary>
public sealed class StaffRegistrationFunctions(StaffRegistrations staff)
{
    [Function("ListRegistrations")]
    [StaffOnly]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/events/{eventId}/registrations")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(RouteIds.EventSlug, eventId);
        if (WantsCsv(request))
        {
            var csv = RegistrationCsv.Write(await staff.ListAllAsync(id, cancellationToken));
            return new FileContentResult(csv, "text/csv; charset=utf-8; header=present") { FileDownloadName = $"{id}-registrations.csv" };
        }

        var page = PageRequest.Read(request.Query);
        return new OkObjectResult(await staff.ListPageAsync(id, page.Continuation, page.PageSize, cancellationToken));
    }

    [Function("CheckIn")]
    [StaffOnly]
    public async Task<IActionResult> CheckIn(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/registrations/{code}/check-in")] HttpRequest request,
        string code,
        CancellationToken cancellationToken)
    {
        var actor = StaffActor.Of(request);
        var eventId = DoorEvent(request.Query["eventId"].ToString() is { Length: > 0 } id ? id : null);
        return new OkObjectResult(await staff.CheckInAsync(RegistrationCodes.Require(code), actor.Name, cancellationToken, eventId));
    }

    [Function("CheckInByQr")]
    [StaffOnly]
    public async Task<IActionResult> CheckInByQr(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/check-ins")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var actor = StaffActor.Of(request);
        var scan = await RequestBody.ReadJsonAsync<CheckInScan>(request, cancellationToken);
        var eventId = DoorEvent(scan.EventId);
        return new OkObjectResult(await staff.CheckInBySecretAsync(scan.Secret, actor.Name, cancellationToken, eventId));
    }

    /// <summary>The event a desk checks people in for (optional): a malformed id is a field error, not a lookup.</summary>
    private static string? DoorEvent(string? eventId) =>
        eventId is null || RouteIds.EventSlug.IsValid(eventId)
            ? eventId
            : throw ProblemException.Validation(new Dictionary<string, string[]> { ["eventId"] = ["An event id: lower-case letters, digits and single hyphens, 3-64 characters."] });

    /// <summary>CSV when the client prefers text/csv to JSON (a spreadsheet download or `curl -H 'Accept: text/csv'`).</summary>
    private static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept.Select(v => v ?? "").ToArray(), out var accepted)) return false;
        var csv = accepted.Where(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var json = accepted.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        return csv > 0 && csv > json;
    }
}

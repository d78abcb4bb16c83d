using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>Events: the public list and detail; staff create and update.</summary>
public sealed class EventFunctions(EventCatalog catalog, PublishedEventsPage publishedPage)
{
    [Function("ListEvents")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (track, from, to) = EventFilters.Parse(request.Query["track"], request.Query["from"], request.Query["to"]);
        if (from is null && to is null) return new FileContentResult(await publishedPage.JsonAsync(track, cancellationToken), PublishedEventsPage.ContentType);
        var events = await catalog.ListPublishedAsync(track, from, to, cancellationToken);
        return new OkObjectResult(new Page<EventView>(events, null));
    }

    [Function("GetEvent")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events/{eventId}")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken) =>
        new OkObjectResult(await catalog.GetPublicAsync(RouteIds.Require(RouteIds.EventSlug, eventId), cancellationToken));

    [Function("CreateEvent")]
    [StaffOnly]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "staff/events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var actor = StaffActor.Of(request);
        var forumEvent = ForumEvent.From(await RequestBody.ReadJsonAsync<EventRequest>(request, cancellationToken));
        var view = await catalog.CreateAsync(forumEvent, actor.Name, cancellationToken);
        return new CreatedResult($"/api/events/{view.EventId}", view);
    }

    [Function("UpdateEvent")]
    [StaffOnly]
    public async Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "staff/events/{eventId}")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken)
    {
        var (actor, id, body) = await StaffCommand<EventRequest>.ReadAsync(request, RouteIds.EventSlug, eventId, cancellationToken);
        return new OkObjectResult(await catalog.UpdateAsync(id, ForumEvent.From(body), actor.Name, cancellationToken));
    }
}

/// <summary>The query string of GET /api/events: track (kebab-case), from and to (a date or an instant with offset).</summary>
public static class EventFilters
{
    public static (EventTrack? Track, DateTimeOffset? From, DateTimeOffset? To) Parse(string? track, string? from, string? to)
    {
        var errors = new FieldErrors();
        var parsedTrack = errors.OptionalEnum<EventTrack>("track", track);

        var fromValue = When(errors, "from", from, endOfDay: false);
        var toValue = When(errors, "to", to, endOfDay: true);
        errors.ThrowIfAny();
        return (parsedTrack, fromValue, toValue);
    }

    private static DateTimeOffset? When(FieldErrors errors, string field, string? value, bool endOfDay)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            // A bare date is a day in Beijing.
            var local = date.ToDateTime(endOfDay ? new TimeOnly(23, 59, 59) : TimeOnly.MinValue);
            return new DateTimeOffset(local, BeijingTime.Zone.GetUtcOffset(local));
        }

        return errors.Instant(field, value);
    }
}

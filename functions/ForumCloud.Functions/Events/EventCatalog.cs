using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Functions.Events;

/// <summary>Forum events: staff create and update them; the public (and the chatbot) list and read them with seats left.</summary>
public sealed class EventCatalog(StorageAccount storage, RegistrationChanges changes, TimeProvider time)
{
    private TableClient Table => storage.Table(TableNames.ForumEvents);

    public async Task<EventView> CreateAsync(ForumEvent forumEvent, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ledger = new SeatLedgerRow { PartitionKey = forumEvent.EventId, Capacity = forumEvent.Capacity };
        try
        {
            await Table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, EventRow.Of(forumEvent, now, actor)),
                new TableTransactionAction(TableTransactionActionType.Add, ledger),
            ], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            throw ProblemException.Conflict("The event exists.", $"An event with id '{forumEvent.EventId}' exists; update it with PUT.");
        }

        return EventView.Of(forumEvent, ledger.Counts, now);
    }

    /// <summary>
    /// Replaces an event. The event row and the ledger are written in one transaction guarded by the ledger's
    /// ETag, so a capacity cut cannot slip past a seat allocated at the same moment. Growth frees seats for
    /// the waitlist: the queue handler promotes.
    /// </summary>
    public async Task<EventView> UpdateAsync(string eventId, ForumEvent forumEvent, string actor, CancellationToken cancellationToken)
    {
        if (forumEvent.EventId != eventId)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["eventId"] = ["Must match the event id in the route."] });
        }

        for (var attempt = 0; ; attempt++)
        {
            var (eventRow, ledger) = await ReadAsync(eventId, cancellationToken);
            if (eventRow is null || ledger is null) throw ProblemException.NotFound("No event has that id.");
            if (forumEvent.Capacity < ledger.Confirmed)
            {
                throw ProblemException.Conflict("Capacity below confirmed registrations.",
                    $"{ledger.Confirmed} registrations are confirmed; capacity may not go below that.",
                    new Dictionary<string, object?> { ["confirmed"] = ledger.Confirmed });
            }

            var now = time.GetUtcNow();
            var updated = EventRow.Of(forumEvent, now, actor);
            updated.CreatedAt = eventRow.CreatedAt;
            var grew = forumEvent.Capacity > ledger.Capacity;
            ledger.Capacity = forumEvent.Capacity;
            try
            {
                await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, ledger, ledger.ETag),
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, updated, eventRow.ETag),
                ], cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < 50)
            {
                await Task.Delay(Random.Shared.Next(2, 20), cancellationToken);
                continue;
            }

            if (grew && ledger.Waitlisted > 0) await changes.PublishAfterCommitAsync(RegistrationChange.Of(eventId, RegistrationChangeKind.SeatsAdded));
            if (EventNotice.Of(eventRow, updated) is { } notice) await changes.PublishAfterCommitAsync(RegistrationChange.Of(eventId, notice));
            return EventView.Of(forumEvent, ledger.Counts, now);
        }
    }

    /// <summary>A published (or cancelled) event; drafts are not shown to the public.</summary>
    public async Task<EventView> GetPublicAsync(string eventId, CancellationToken cancellationToken)
    {
        var (eventRow, ledger) = await ReadAsync(eventId, cancellationToken);
        if (eventRow is null || ledger is null || eventRow.Status == nameof(EventStatus.Draft)) throw ProblemException.NotFound("No event has that id.");
        return EventView.Of(eventRow.ToEvent(), ledger.Counts, time.GetUtcNow());
    }

    /// <summary>Published events, soonest first: of a track, and overlapping [from, to] when given.</summary>
    public async Task<IReadOnlyList<EventView>> ListPublishedAsync(EventTrack? track, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var events = await QueryAsync<EventRow>(TableClient.CreateQueryFilter($"RowKey eq {EventKeys.Event} and Status eq {nameof(EventStatus.Published)}"), cancellationToken);
        var wanted = events
            .Select(r => r.ToEvent())
            .Where(e => track is null || e.Track == track)
            .Where(e => from is null || e.EndsAt >= from)
            .Where(e => to is null || e.StartsAt <= to)
            .ToList();
        if (wanted.Count == 0) return [];

        var ledgers = (await QueryAsync<SeatLedgerRow>(TableClient.CreateQueryFilter($"RowKey eq {EventKeys.Ledger}"), cancellationToken))
            .ToDictionary(l => l.PartitionKey, l => l.Counts);
        return wanted
            .Where(e => ledgers.ContainsKey(e.EventId))
            .OrderBy(e => e.StartsAt).ThenBy(e => e.EventId, StringComparer.Ordinal)
            .Select(e => EventView.Of(e, ledgers[e.EventId], now))
            .ToList();
    }

    /// <summary>For the chatbot: published events whose registration is open right now, with the seats left.</summary>
    public async Task<IReadOnlyList<EventSummary>> ListOpenForRegistrationAsync(CancellationToken cancellationToken) =>
        (await ListPublishedAsync(null, null, null, cancellationToken))
            .Where(e => e.RegistrationOpen)
            .Select(e => new EventSummary(e.EventId, e.Title, e.Track, e.StartsAt, e.SeatsLeft))
            .ToList();

    /// <summary>The event row and its seat ledger (either null when missing).</summary>
    public async Task<(EventRow? Event, SeatLedgerRow? Ledger)> ReadAsync(string eventId, CancellationToken cancellationToken)
    {
        var eventTask = Table.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken);
        var ledgerTask = Table.GetEntityIfExistsAsync<SeatLedgerRow>(eventId, EventKeys.Ledger, cancellationToken: cancellationToken);
        var (eventRow, ledger) = (await eventTask, await ledgerTask);
        return (eventRow.HasValue ? eventRow.Value : null, ledger.HasValue ? ledger.Value : null);
    }

    public async Task<EventRow?> ReadEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private async Task<List<T>> QueryAsync<T>(string filter, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var rows = new List<T>();
        await foreach (var row in Table.QueryAsync<T>(filter, cancellationToken: cancellationToken)) rows.Add(row);
        return rows;
    }
}

/// <summary>Whether an event takes registrations now; the problem a client gets when it does not.</summary>
public static class RegistrationWindow
{
    public static void Demand(EventRow? eventRow, DateTimeOffset now)
    {
        if (eventRow is null || eventRow.Status == nameof(EventStatus.Draft)) throw ProblemException.NotFound("No event has that id.");
        if (eventRow.Status == nameof(EventStatus.Cancelled))
        {
            throw ProblemException.Conflict("The event is cancelled.", "This event was cancelled; it takes no registrations.");
        }

        if (now < eventRow.RegistrationOpensAt)
        {
            throw ProblemException.Conflict("Registration is not open yet.", $"Registration opens at {ForumTime.Local(eventRow.RegistrationOpensAt):yyyy-MM-dd'T'HH:mm:sszzz}.",
                new Dictionary<string, object?> { ["registrationOpensAt"] = ForumTime.Local(eventRow.RegistrationOpensAt) });
        }

        if (now >= eventRow.RegistrationClosesAt)
        {
            throw ProblemException.Conflict("Registration is closed.", $"Registration closed at {ForumTime.Local(eventRow.RegistrationClosesAt):yyyy-MM-dd'T'HH:mm:sszzz}.",
                new Dictionary<string, object?> { ["registrationClosesAt"] = ForumTime.Local(eventRow.RegistrationClosesAt) });
        }
    }
}

using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Hybrid;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Forum events: staff create and update them; the public (and the chatbot) list and read them with seats left.
/// The event row and its seat ledger (in the event's partition of forumevents) are the truth; lists read the
/// eventcatalog partition instead (one row per event, so a list costs the same at 0 and 1,000,000
/// registrations), whose seat counts follow the ledger through the registration-changes queue
/// (<see cref="RefreshAsync"/>). Public reads are served from an in-process cache for a few seconds
/// (<see cref="EventCacheOptions"/>); a write in this process clears the entries it changed.
/// </summary>
public sealed class EventCatalog(StorageAccount storage, RegistrationChanges changes, TimeProvider time, HybridCache? cache = null, EventCacheOptions? cacheOptions = null)
{
    private const string ListKey = "events:catalog";

    private readonly EventCacheOptions _cacheOptions = cacheOptions ?? new EventCacheOptions();

    private TableClient Table => storage.Table(TableNames.ForumEvents);

    private TableClient Catalog => storage.Table(TableNames.EventCatalog);

    public async Task<EventView> CreateAsync(ForumEvent forumEvent, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ledger = new SeatLedgerRow { PartitionKey = forumEvent.EventId, Capacity = forumEvent.Capacity, Version = 1 };
        var eventRow = EventRow.Of(forumEvent, now, actor);
        try
        {
            await Table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, eventRow),
                new TableTransactionAction(TableTransactionActionType.Add, ledger),
            ], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            throw ProblemException.Conflict("The event exists.", $"An event with id '{forumEvent.EventId}' exists; update it with PUT.");
        }

        // If this write fails the caller gets an error, and a PUT of the event (or the seed loader) writes it again.
        await PublishAsync(forumEvent, ledger, cancellationToken);
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
            ledger.Version++;
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

            // The promotion first: a failing catalogue write (503 to staff, who PUT again) must not hold it back.
            if (grew && ledger.Waitlisted > 0) await changes.PublishAfterCommitAsync(RegistrationChange.Of(eventId, RegistrationChangeKind.SeatsAdded));
            if (EventNotice.Of(eventRow, updated) is { } notice) await changes.PublishAfterCommitAsync(RegistrationChange.Of(eventId, notice));
            await PublishAsync(forumEvent, ledger, cancellationToken);
            return EventView.Of(forumEvent, ledger.Counts, now);
        }
    }

    /// <summary>A published (or cancelled) event; drafts are not shown to the public. Two point reads, cached briefly.</summary>
    public async Task<EventView> GetPublicAsync(string eventId, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(eventId, cancellationToken);
        if (snapshot.Event.Status == EventStatus.Draft) throw ProblemException.NotFound("No event has that id.");
        return EventView.Of(snapshot.Event, snapshot.Seats, time.GetUtcNow());
    }

    /// <summary>The event and its ledger's counts (cached for <see cref="EventCacheOptions.Event"/>); 404 when there is no such event (never cached).</summary>
    public async Task<EventSnapshot> GetSnapshotAsync(string eventId, CancellationToken cancellationToken) =>
        await CachedAsync(EventKey(eventId), _cacheOptions.Event, async ct =>
        {
            var (eventRow, ledger) = await ReadAsync(eventId, ct);
            if (eventRow is null || ledger is null) throw ProblemException.NotFound("No event has that id.");
            return new EventSnapshot(eventRow.ToEvent(), ledger.Counts);
        }, cancellationToken);

    /// <summary>Published events, soonest first: of a track, and overlapping [from, to] when given.</summary>
    public async Task<IReadOnlyList<EventView>> ListPublishedAsync(EventTrack? track, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        (await SnapshotAsync(cancellationToken)).Published(track, from, to, time.GetUtcNow());

    /// <summary>The catalogue as this process serves it now: the same instance until the cached entry expires or a write here clears it.</summary>
    public ValueTask<CatalogSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        CachedAsync(ListKey, _cacheOptions.List, ReadCatalogAsync, cancellationToken);

    /// <summary>For the chatbot: published events whose registration is open right now, with the seats left.</summary>
    public async Task<IReadOnlyList<EventSummary>> ListOpenForRegistrationAsync(CancellationToken cancellationToken) =>
        (await ListPublishedAsync(null, null, null, cancellationToken))
            .Where(e => e.RegistrationOpen)
            .Select(e => new EventSummary(e.EventId, e.Title, e.Track, e.StartsAt, e.SeatsLeft))
            .ToList();

    /// <summary>
    /// Copies the event and its ledger's counts into the catalogue (called for every registration change by the
    /// queue handler, and by the seed loader). Idempotent; a copy of an older ledger version changes nothing.
    /// </summary>
    public async Task RefreshAsync(string eventId, CancellationToken cancellationToken)
    {
        var (eventRow, ledger) = await ReadAsync(eventId, cancellationToken);
        if (eventRow is not null && ledger is not null) await PublishAsync(eventRow.ToEvent(), ledger, cancellationToken);
    }

    /// <summary>Drops this process's cached copy of an event after a change it made (other processes keep theirs for the cache duration).</summary>
    public void Forget(string eventId)
    {
        if (cache is null) return;
        _ = cache.RemoveAsync(EventKey(eventId)).AsTask();
    }

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

    /// <summary>Every catalogue row: one partition, as many rows as there are events.</summary>
    public async Task<IReadOnlyList<CatalogRow>> ReadCatalogRowsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<CatalogRow>();
        await foreach (var row in Catalog.QueryAsync<CatalogRow>(TableClient.CreateQueryFilter($"PartitionKey eq {CatalogRow.Events}"), cancellationToken: cancellationToken)) rows.Add(row);
        return rows;
    }

    private async ValueTask<CatalogSnapshot> ReadCatalogAsync(CancellationToken cancellationToken) =>
        new((await ReadCatalogRowsAsync(cancellationToken)).Select(r => r.ToSnapshot()).ToList());

    /// <summary>Writes the catalogue row unless it already holds this ledger version or a later one.</summary>
    private async Task PublishAsync(ForumEvent forumEvent, SeatLedgerRow ledger, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await Catalog.GetEntityIfExistsAsync<CatalogRow>(CatalogRow.Events, forumEvent.EventId, cancellationToken: cancellationToken);
            if (current.HasValue && current.Value!.LedgerVersion >= ledger.Version) break;
            var row = CatalogRow.Of(forumEvent, ledger);
            try
            {
                if (current.HasValue) await Catalog.UpdateEntityAsync(row, current.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await Catalog.AddEntityAsync(row, cancellationToken);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 20)
            {
                // Another writer came first: look again (it may have written a later version).
            }
        }

        Forget(forumEvent.EventId);
        if (cache is not null) await cache.RemoveAsync(ListKey, cancellationToken);
    }

    private async ValueTask<T> CachedAsync<T>(string key, TimeSpan duration, Func<CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
    {
        if (cache is null || duration <= TimeSpan.Zero) return await read(cancellationToken);
        var options = new HybridCacheEntryOptions { Expiration = duration, LocalCacheExpiration = duration };
        return await cache.GetOrCreateAsync(key, read, options, cancellationToken: cancellationToken);
    }

    private static string EventKey(string eventId) => "events:event:" + eventId;
}

/// <summary>Whether an event takes registrations now; the problem a client gets when it does not.</summary>
public static class RegistrationWindow
{
    public static void Demand(EventRow? eventRow, DateTimeOffset now)
    {
        if (eventRow is null || StoredEnum.Is(eventRow.Status, EventStatus.Draft)) throw ProblemException.NotFound("No event has that id.");
        if (StoredEnum.Is(eventRow.Status, EventStatus.Cancelled))
        {
            throw ProblemException.Conflict("The event is cancelled.", "This event was cancelled; it takes no registrations.");
        }

        if (now < eventRow.RegistrationOpensAt)
        {
            throw ProblemException.Conflict("Registration is not open yet.", $"Registration opens at {BeijingTime.Local(eventRow.RegistrationOpensAt):yyyy-MM-dd'T'HH:mm:sszzz}.",
                new Dictionary<string, object?> { ["registrationOpensAt"] = BeijingTime.Local(eventRow.RegistrationOpensAt) });
        }

        if (now >= eventRow.RegistrationClosesAt)
        {
            throw ProblemException.Conflict("Registration is closed.", $"Registration closed at {BeijingTime.Local(eventRow.RegistrationClosesAt):yyyy-MM-dd'T'HH:mm:sszzz}.",
                new Dictionary<string, object?> { ["registrationClosesAt"] = BeijingTime.Local(eventRow.RegistrationClosesAt) });
        }
    }
}

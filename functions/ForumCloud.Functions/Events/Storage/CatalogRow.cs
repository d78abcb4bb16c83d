using System.ComponentModel;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Events;

/// <summary>
/// An event as the public lists see it, in the eventcatalog table: every event in ONE partition, so a list
/// reads a bounded set of rows (the events) whatever the number of registrations, which stay in forumevents.
/// The seat counts are a copy of the ledger's of version <see cref="LedgerVersion"/>; a copy is replaced only
/// by one of a higher version, so concurrent writers cannot put older counts back.
/// </summary>
public sealed class CatalogRow() : StoredRow(Events)
{
    public const string Events = "events";

    /// <summary>
    /// Every event's id, from the catalogue's one partition: the way a job visits every event's partition of
    /// forumevents (a filter across those partitions would scan every registration on Azure).
    /// </summary>
    public static async IAsyncEnumerable<string> EventIdsAsync(Platform.StorageAccount storage, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = storage.Table(Platform.TableNames.EventCatalog).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Events}"), select: ["RowKey"], cancellationToken: cancellationToken);
        await foreach (var row in rows) yield return row.RowKey;
    }

    /// <summary>The event as staff defined it (JSON of <see cref="ForumEvent"/>).</summary>
    public string Event { get; set; } = "";
    public string Status { get; set; } = "";
    public int Capacity { get; set; }
    public int Confirmed { get; set; }
    public int Waitlisted { get; set; }
    public long LedgerVersion { get; set; }

    public static CatalogRow Of(ForumEvent e, SeatLedgerRow ledger) => new()
    {
        RowKey = e.EventId,
        Event = JsonSerializer.Serialize(e, ApiJson.Options),
        Status = StoredEnum.Write(e.Status),
        Capacity = ledger.Capacity,
        Confirmed = ledger.Confirmed,
        Waitlisted = ledger.Waitlisted,
        LedgerVersion = ledger.Version,
    };

    public EventSnapshot ToSnapshot() =>
        new(JsonSerializer.Deserialize<ForumEvent>(Event, ApiJson.Options) ?? throw new FormatException($"Catalogue row {RowKey} holds no event."),
            new SeatCounts(Capacity, Confirmed, Waitlisted));
}

/// <summary>An event with its seats at one moment; immutable, so the in-process cache hands out the same instance.</summary>
[ImmutableObject(true)]
public sealed record EventSnapshot(ForumEvent Event, SeatCounts Seats);

/// <summary>Every event of the catalogue at one moment (cached as one entry).</summary>
[ImmutableObject(true)]
public sealed record CatalogSnapshot(IReadOnlyList<EventSnapshot> Events)
{
    /// <summary>The published events as the public sees them at <paramref name="now"/>, by start time.</summary>
    public IReadOnlyList<EventView> Published(EventTrack? track, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now) =>
        Events
            .Where(s => s.Event.Status == EventStatus.Published)
            .Where(s => track is null || s.Event.Track == track)
            .Where(s => from is null || s.Event.EndsAt >= from)
            .Where(s => to is null || s.Event.StartsAt <= to)
            .OrderBy(s => s.Event.StartsAt).ThenBy(s => s.Event.EventId, StringComparer.Ordinal)
            .Select(s => EventView.Of(s.Event, s.Seats, now))
            .ToList();

    /// <summary>
    /// The first registration opening or closing after <paramref name="now"/> among the published events: until
    /// then every view of this snapshot reads the same, because the window is all a view takes from the clock.
    /// </summary>
    public DateTimeOffset NextWindowChange(DateTimeOffset now) =>
        Events
            .Where(s => s.Event.Status == EventStatus.Published)
            .SelectMany(s => new[] { s.Event.RegistrationOpensAt, s.Event.RegistrationClosesAt })
            .Where(t => t > now)
            .DefaultIfEmpty(DateTimeOffset.MaxValue)
            .Min();
}

/// <summary>How long a process serves public reads from memory. Writes in the same process clear their entries at once.</summary>
public sealed class EventCacheOptions
{
    /// <summary>GET /api/events and the bot's list.</summary>
    public TimeSpan List { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>GET /api/events/{eventId} and the seat allocator's "does this event exist".</summary>
    public TimeSpan Event { get; set; } = TimeSpan.FromSeconds(2);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>Creates the demo events of seeds/events.json that do not exist yet (a second start changes nothing).</summary>
public sealed class EventSeedLoader(EventCatalog catalog, ILogger<EventSeedLoader> logger, TimeProvider? time = null) : ISeedLoader
{
    /// <summary>An event body, and whether its dates follow the day of loading (<see cref="DemoWindow"/>).</summary>
    private sealed record SeedEvent(JsonElement Body)
    {
        public bool OpenOnLoad => Body.TryGetProperty("openOnLoad", out var flag) && flag.ValueKind == JsonValueKind.True;
    }

    private sealed record SeedFile(IReadOnlyList<JsonElement> Events);

    // The file carries a "$comment"; otherwise the API's own (strict) reading of event bodies.
    private static readonly JsonSerializerOptions Reading = new(ApiJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    public string Path { get; init; } = SeedFiles.PathOf("events.json");

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            logger.LogWarning("No event seeds at {Path}", Path);
            return;
        }

        await using var stream = File.OpenRead(Path);
        var seeds = await JsonSerializer.DeserializeAsync<SeedFile>(stream, Reading, cancellationToken) ?? new SeedFile([]);
        var created = 0;
        var now = (time ?? TimeProvider.System).GetUtcNow();
        foreach (var seed in seeds.Events.Select(e => new SeedEvent(e)))
        {
            var forumEvent = ForumEvent.From(seed.Body.Deserialize<EventRequest>(Reading)!);
            if (seed.OpenOnLoad) forumEvent = DemoWindow.OpenToday(forumEvent, now);
            if (await catalog.ReadEventAsync(forumEvent.EventId, cancellationToken) is { } existing)
            {
                // A demo event loaded on an earlier day whose window has passed (or not come): moved to open today.
                if (seed.OpenOnLoad && !existing.ToEvent().IsRegistrationOpen(now) && StoredEnum.Is(existing.Status, EventStatus.Published))
                {
                    var moved = DemoWindow.OpenToday(existing.ToEvent(), now);
                    await catalog.UpdateAsync(moved.EventId, moved, "seed", cancellationToken);
                }
                else
                {
                    await catalog.RefreshAsync(forumEvent.EventId, cancellationToken); // its catalogue row, if an earlier start could not write it
                }

                continue;
            }

            try
            {
                await catalog.CreateAsync(forumEvent, "seed", cancellationToken);
                created++;
            }
            catch (ProblemException ex) when (ex.Status == 409)
            {
                // Created meanwhile by another runner: fine.
            }
        }

        logger.LogInformation("Event seeds: {Created} created, {Total} in the file", created, seeds.Events.Count);
    }
}

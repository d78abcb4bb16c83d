using System.Text.Json;
using System.Text.Json.Serialization;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>Creates the demo events of seeds/events.json that do not exist yet (a second start changes nothing).</summary>
public sealed class EventSeedLoader(EventCatalog catalog, ILogger<EventSeedLoader> logger) : ISeedLoader
{
    private sealed record SeedFile(IReadOnlyList<EventRequest> Events);

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
        foreach (var body in seeds.Events)
        {
            var forumEvent = ForumEvent.From(body);
            if (await catalog.ReadEventAsync(forumEvent.EventId, cancellationToken) is not null)
            {
                await catalog.RefreshAsync(forumEvent.EventId, cancellationToken); // its catalogue row, if an earlier start could not write it
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

using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Events;

public sealed class EventSeedTests
{
    [Fact]
    public async Task The_demo_events_load_once_and_a_second_load_changes_nothing()
    {
        var storage = await SharedAzurite.StorageAsync();
        var catalog = new EventCatalog(storage, new RegistrationChanges(storage, NullLogger<RegistrationChanges>.Instance), TimeProvider.System);
        var loader = new EventSeedLoader(catalog, NullLogger<EventSeedLoader>.Instance);
        Assert.True(File.Exists(loader.Path));

        await loader.LoadAsync(CancellationToken.None);
        var first = await catalog.ReadAsync("zgc-forum-2027-opening-plenary", CancellationToken.None);
        await loader.LoadAsync(CancellationToken.None);
        var second = await catalog.ReadAsync("zgc-forum-2027-opening-plenary", CancellationToken.None);

        Assert.Equal(800, first.Ledger!.Capacity);
        Assert.Equal(first.Event!.ETag, second.Event!.ETag);
        Assert.Equal(first.Ledger.ETag, second.Ledger!.ETag);
        Assert.Equal("draft", (await catalog.ReadEventAsync("zgc-forum-2027-closing-ceremony", CancellationToken.None))!.Status);
        var published = await catalog.ListPublishedAsync(null, null, null, CancellationToken.None);
        Assert.Contains(published, e => e.EventId == "zgc-forum-2027-young-scientists" && e.Track == EventTrack.SideEvent);
        Assert.DoesNotContain(published, e => e.EventId == "zgc-forum-2027-closing-ceremony");
    }

    [Fact]
    public async Task Demo_events_marked_openOnLoad_take_registrations_on_the_day_the_runner_starts_whatever_the_day()
    {
        var storage = await SharedAzurite.StorageAsync();
        var catalog = new EventCatalog(storage, new RegistrationChanges(storage, NullLogger<RegistrationChanges>.Instance), TimeProvider.System);
        string[] flagged = ["zgc-forum-2027-ai-frontiers", "zgc-forum-2027-young-scientists"];
        // Today, then a start half a year later (the first window has closed by then): open both times.
        foreach (var day in new[] { DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(200) })
        {
            await new EventSeedLoader(catalog, NullLogger<EventSeedLoader>.Instance, new FixedClock(day)).LoadAsync(CancellationToken.None);
            foreach (var id in flagged)
            {
                var seeded = (await catalog.ReadEventAsync(id, CancellationToken.None))!.ToEvent();
                Assert.True(seeded.IsRegistrationOpen(day), $"{id} on {day:yyyy-MM-dd}: opens {seeded.RegistrationOpensAt:O}, closes {seeded.RegistrationClosesAt:O}");
                Assert.True(seeded.RegistrationOpensAt > day.AddDays(-1.01), "opened on the day of loading");
                Assert.Equal(TimeSpan.FromHours(3.5), id.EndsWith("young-scientists", StringComparison.Ordinal) ? seeded.EndsAt - seeded.StartsAt : TimeSpan.FromHours(3.5));
            }
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

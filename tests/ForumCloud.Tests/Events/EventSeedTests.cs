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
        Assert.Equal("Draft", (await catalog.ReadEventAsync("zgc-forum-2027-closing-ceremony", CancellationToken.None))!.Status);
        var published = await catalog.ListPublishedAsync(null, null, null, CancellationToken.None);
        Assert.Contains(published, e => e.EventId == "zgc-forum-2027-young-scientists" && e.Track == EventTrack.SideEvent);
        Assert.DoesNotContain(published, e => e.EventId == "zgc-forum-2027-closing-ceremony");
    }
}

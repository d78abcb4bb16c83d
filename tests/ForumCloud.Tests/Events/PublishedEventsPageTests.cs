using System.Text.Json;
using ForumCloud.Functions.Events;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Events;

/// <summary>The public list's kept bytes are never staler than the catalogue snapshot: the clock and a write both show at once.</summary>
public sealed class PublishedEventsPageTests
{
    [Fact]
    public async Task The_kept_page_changes_when_registration_opens_and_when_the_event_changes_and_not_otherwise()
    {
        var storage = await SharedAzurite.StorageAsync();
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        var cache = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider().GetRequiredService<HybridCache>();
        var catalog = new EventCatalog(storage, new RegistrationChanges(storage, NullLogger<RegistrationChanges>.Instance), clock, cache, new EventCacheOptions { List = TimeSpan.FromMinutes(10) });
        var page = new PublishedEventsPage(catalog, clock);
        var id = "page-" + Guid.NewGuid().ToString("N")[..10];
        var opens = clock.GetUtcNow().AddHours(1);
        await catalog.CreateAsync(Event(id, "Before", opens), "staff-test", CancellationToken.None);

        var closed = await page.JsonAsync(EventTrack.ParallelForum, CancellationToken.None);
        Assert.False(Find(closed, id).GetProperty("registrationOpen").GetBoolean());

        clock.Now = opens.AddSeconds(-1);
        Assert.Same(closed, await page.JsonAsync(EventTrack.ParallelForum, CancellationToken.None));

        clock.Now = opens;
        var open = await page.JsonAsync(EventTrack.ParallelForum, CancellationToken.None);
        Assert.True(Find(open, id).GetProperty("registrationOpen").GetBoolean());
        Assert.Equal(Find(open, id).GetRawText(), JsonSerializer.Serialize((await catalog.ListPublishedAsync(EventTrack.ParallelForum, null, null, CancellationToken.None)).Single(e => e.EventId == id), Functions.Platform.ApiJson.Options));

        await catalog.UpdateAsync(id, Event(id, "After", opens), "staff-test", CancellationToken.None);
        Assert.Equal("After", Find(await page.JsonAsync(EventTrack.ParallelForum, CancellationToken.None), id).GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Undefined, FindOrDefault(await page.JsonAsync(EventTrack.Plenary, CancellationToken.None), id).ValueKind);
    }

    private static ForumEvent Event(string id, string title, DateTimeOffset opens) => ForumEvent.From(new EventRequest(
        id, title, EventTrack.ParallelForum, opens.AddDays(30).ToString("o"), opens.AddDays(30).AddHours(2).ToString("o"), "Venue", ["en"], 50,
        opens.ToString("o"), opens.AddDays(29).ToString("o"), EventStatus.Published));

    private static JsonElement Find(byte[] json, string id) =>
        FindOrDefault(json, id) is { ValueKind: JsonValueKind.Object } found ? found : throw new Xunit.Sdk.XunitException($"{id} is not in the page.");

    private static JsonElement FindOrDefault(byte[] json, string id) =>
        JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray().FirstOrDefault(e => e.GetProperty("eventId").GetString() == id);

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

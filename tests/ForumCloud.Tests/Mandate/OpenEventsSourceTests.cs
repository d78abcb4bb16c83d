using ForumCloud.Bot.Conversation;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Mandate;

/// <summary>The bot's list of open events comes from the real events table, with seats left.</summary>
public sealed class OpenEventsSourceTests
{
    [SkippableFact]
    public async Task The_bot_sees_published_events_open_for_registration_with_seats_left_and_not_others()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: needs the runner's services.");
        var http = await SharedRunner.ClientAsync();
        var open = await EventsApi.CreateEventAsync(http, capacity: 7);
        var draft = await EventsApi.CreateEventAsync(http, capacity: 7, status: "draft");
        var notYet = await EventsApi.CreateEventAsync(http, capacity: 7, opensIn: TimeSpan.FromDays(3));
        var response = await http.PostAsync($"api/events/{open}/registrations", Problems.Json($$"""{"name":"Ada Lovelace","email":"ada.open@example.org","organization":"AE","country":"GB","privacyNoticeVersion":"{{Privacy.Consent.Version}}"}"""));
        Assert.True(response.IsSuccessStatusCode);

        // The list's seat counts follow the ledger through the registration-changes queue (seconds).
        var source = SharedRunner.App!.Services.GetRequiredService<IOpenEventsSource>();
        var listed = await Eventually.ValueAsync(() => source.ListOpenAsync(CancellationToken.None),
            l => l.Any(e => e.EventId == open && e.SeatsLeft == 6), what: "the bot's list shows the seat taken");

        Assert.Single(listed, e => e.EventId == open);
        Assert.DoesNotContain(listed, e => e.EventId == draft || e.EventId == notYet);
    }
}

using System.Net;
using System.Text.Json;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Events;

/// <summary>
/// An unconfirmed hold is released when its time is up and its seat goes to the waitlist, exactly once, also when the
/// release message is delivered twice or on two copies at once. A runner of its own with a 2-second hold and its
/// triggers off: the test takes the app's own delayed message off the queue and runs the handler itself.
/// </summary>
public sealed class HoldExpiryTests : IAsyncLifetime
{
    private PrivateRunner _runner = null!;

    public async Task InitializeAsync() => _runner = await PrivateRunner.StartAsync((options, _) =>
    {
        options.RunTriggers = false;
        options.ConfigureServices = services => services.AddSingleton(new HoldOptions { Hold = TimeSpan.FromSeconds(2) });
    });

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task An_expired_hold_releases_its_seat_and_promotes_the_waitlist_once_however_often_its_message_comes()
    {
        var http = _runner.Http;
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 1);
        var anonymous = $"expiring-{Guid.NewGuid():N}@example.org";
        await Problems.JsonAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee(anonymous), anonymous: true), HttpStatusCode.Accepted);
        var (code, token, _) = await HoldTests.LinkAsync(eventId, anonymous, _runner.Storage);
        var waiting = await EventsApi.RegisterAsync(http, eventId, await EventsApi.SeededPartnerAsync(_runner.App.Services)); // the seat is held: waitlisted
        Assert.Equal("waitlisted", waiting.GetProperty("status").GetString());

        // The app's messages: the waitlisted notice now, the hold's expiry once its delay has passed.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var messages = await DrainAsync();
        var expiry = Assert.Single(messages, m => QueueMessages.Parse<RegistrationChange>(m).Changes.Any(c => c.Kind == RegistrationChangeKind.HoldExpired && c.Code == code));

        Assert.Equal(HttpStatusCode.Accepted, (await RunAsync(expiry)).StatusCode);
        var once = await StorageSnapshot.TakeAsync(_runner.Storage);
        var rows = await HoldTests.RegistrationRowsAsync(eventId, _runner.Storage);
        Assert.Equal("cancelled", rows.Single(r => r.Code == code).Status);
        Assert.Equal("confirmed", rows.Single(r => r.Code == waiting.GetProperty("code").GetString()).Status);
        var seen = await EventsApi.EventAsync(http, eventId);
        Assert.Equal((0, 0), (seen.GetProperty("seatsLeft").GetInt32(), seen.GetProperty("waitlistLength").GetInt32()));

        // Delivered again, then on two copies at once: nothing changes (no second release, no second promotion).
        Assert.Equal(HttpStatusCode.Accepted, (await RunAsync(expiry)).StatusCode);
        var copies = await Task.WhenAll(RunAsync(expiry), RunAsync(expiry));
        if (copies.Any(c => c.StatusCode != HttpStatusCode.Accepted)) Assert.Equal(HttpStatusCode.Accepted, (await RunAsync(expiry)).StatusCode);
        Assert.Equal(once, await StorageSnapshot.TakeAsync(_runner.Storage));

        // The released hold's link says so; the address may register again.
        var gone = await Problems.AssertProblemAsync(await HoldTests.ConfirmAsync(http, token), HttpStatusCode.Gone);
        Assert.Contains("released", gone.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(await HoldTests.OutboxRowsAsync(eventId, _runner.Storage), r => r.RowKey == HoldMail.ExpiredRow(code));
        await Problems.JsonAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee(anonymous), anonymous: true), HttpStatusCode.Accepted);
        Assert.Equal(2, (await HoldTests.OutboxRowsAsync(eventId, _runner.Storage)).Count(r => r.Recipient == anonymous && r.Template == "registration-confirm-link"));
    }

    [Fact]
    public async Task A_hold_whose_message_was_lost_is_released_by_the_sweep_and_a_confirmed_one_is_not()
    {
        var http = _runner.Http;
        var eventId = await EventsApi.CreateEventAsync(http, capacity: 3);
        var lost = $"lost-{Guid.NewGuid():N}@example.org";
        var kept = $"kept-{Guid.NewGuid():N}@example.org";
        await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee(lost), anonymous: true);
        await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee(kept), anonymous: true);
        var (lostCode, _, _) = await HoldTests.LinkAsync(eventId, lost, _runner.Storage);
        var (keptCode, keptToken, _) = await HoldTests.LinkAsync(eventId, kept, _runner.Storage);
        Assert.Equal(HttpStatusCode.OK, (await HoldTests.ConfirmAsync(http, keptToken)).StatusCode);

        var holds = _runner.App.Services.GetRequiredService<RegistrationHolds>();
        Assert.Empty(await holds.SweepExpiredAsync(CancellationToken.None)); // not a minute past due yet
        // A minute and more later (seen from a clock moved on), the lost one is released by the sweep, the confirmed one stays.
        var later = new RegistrationHolds(_runner.Storage, _runner.App.Services.GetRequiredService<SeatAllocator>(), _runner.App.Services.GetRequiredService<RegistrationChanges>(),
            _runner.App.Services.GetRequiredService<Functions.Mail.MailOutbox>(), _runner.App.Services.GetRequiredService<Functions.Mail.MailSettings>(), new HoldOptions(),
            new ShiftedClock(TimeSpan.FromMinutes(2)), Microsoft.Extensions.Logging.Abstractions.NullLogger<RegistrationHolds>.Instance);
        Assert.Contains(eventId, await later.SweepExpiredAsync(CancellationToken.None));
        var rows = await HoldTests.RegistrationRowsAsync(eventId, _runner.Storage);
        Assert.Equal(("cancelled", "confirmed"), (rows.Single(r => r.Code == lostCode).Status, rows.Single(r => r.Code == keptCode).Status));
        Assert.Equal(2, (await EventsApi.EventAsync(http, eventId)).GetProperty("seatsLeft").GetInt32());
        Assert.DoesNotContain(eventId, await later.SweepExpiredAsync(CancellationToken.None));
    }

    private sealed class ShiftedClock(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }

    private Task<HttpResponseMessage> RunAsync(string message) =>
        _runner.Http.PostAsync("admin/functions/RegistrationChanges", Problems.Json(JsonSerializer.Serialize(new { input = message })));

    private async Task<IReadOnlyList<string>> DrainAsync()
    {
        var client = _runner.Storage.Queue(QueueNames.RegistrationChanges);
        var messages = new List<string>();
        while ((await client.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                messages.Add(message.Body.ToString());
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return messages;
    }
}

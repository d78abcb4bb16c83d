using System.Net;
using System.Text.Json;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Resilience;

/// <summary>
/// At-least-once delivery: each queue handler, given the very message the app enqueued, leaves the same
/// stored state whether it runs once, twice, or on two copies at the same time (a copy that loses a race
/// fails and is retried, as the queue would). Triggers are off; the runner's admin endpoint runs handlers.
/// </summary>
public sealed class RedeliveryTests : IAsyncLifetime
{
    private PrivateRunner _runner = null!;

    public async Task InitializeAsync() => _runner = await PrivateRunner.StartAsync((options, _) => options.RunTriggers = false);

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task Registration_changes_delivered_again_and_concurrently_change_nothing()
    {
        var eventId = await EventsApi.CreateEventAsync(_runner.Http, capacity: 1);
        var partner = await EventsApi.SeededPartnerAsync(_runner.App.Services); // no triggers: no verification mail goes out
        var first = await EventsApi.RegisterAsync(_runner.Http, eventId, partner, "redelivery.first@example.org");
        await EventsApi.RegisterAsync(_runner.Http, eventId, partner, "redelivery.second@example.org");

        // Confirmed, waitlisted, then cancelled (which promotes): every message the app enqueued, each redelivered. The
        // registrations' messages are handled before the cancellation, as they would be: a confirmation handled after
        // its cancellation is not mailed.
        var registered = await DrainAsync(QueueNames.RegistrationChanges);
        await AssertIdempotentAsync("RegistrationChanges", registered);
        Assert.True((await EventsApi.CancelAsync(_runner.Http, first.GetProperty("code").GetString()!, first.GetProperty("manageToken").GetString())).IsSuccessStatusCode);
        var cancelled = await DrainAsync(QueueNames.RegistrationChanges);
        Assert.True(registered.Count + cancelled.Count >= 3, $"{registered.Count} + {cancelled.Count} messages");
        await AssertIdempotentAsync("RegistrationChanges", cancelled);

        // The mails those changes queued: delivered again (or poisoned after being sent), nothing changes.
        var mails = await DrainAsync(QueueNames.MailOutbox);
        Assert.True(mails.Count >= 3, $"{mails.Count} mail messages");
        await AssertIdempotentAsync("DeliverMail", mails);
        await AssertIdempotentAsync("DeliverMailPoison", mails);
    }

    [Fact]
    public async Task Filing_messages_delivered_again_and_concurrently_change_nothing()
    {
        var applicant = await ApplicantApi.VerifiedAsync(_runner.Http, outbox: _runner.Storage);
        await FilingSamples.SubmitAsync(_runner.Http, FilingSamples.Body(uscc: applicant.Uscc), applicant);
        await FilingSamples.SubmitAsync(_runner.Http, FilingSamples.Body(uscc: applicant.Uscc, description: FilingSamples.RestrictedDescription), applicant);
        var messages = await DrainAsync(QueueNames.Filings);
        Assert.Equal(2, messages.Count);

        await AssertIdempotentAsync("ProcessFiling", messages);
        await AssertIdempotentAsync("ProcessFilingPoison", messages); // already decided: the poison step leaves them be
    }

    private async Task AssertIdempotentAsync(string function, IReadOnlyList<string> messages)
    {
        foreach (var message in messages) Assert.Equal(HttpStatusCode.Accepted, (await RunAsync(function, message)).StatusCode);
        var once = await StateAsync();

        foreach (var message in messages) Assert.Equal(HttpStatusCode.Accepted, (await RunAsync(function, message)).StatusCode);
        Assert.Equal(once, await StateAsync());

        foreach (var message in messages)
        {
            var copies = await Task.WhenAll(RunAsync(function, message), RunAsync(function, message));
            if (copies.Any(c => c.StatusCode != HttpStatusCode.Accepted)) Assert.Equal(HttpStatusCode.Accepted, (await RunAsync(function, message)).StatusCode);
        }

        Assert.Equal(once, await StateAsync());
    }

    /// <summary>
    /// The stored state, without the mail-outbox queue's length: the outbox queues a still pending, untried mail again
    /// when its change comes again (triggers are off here, so none is ever tried); delivery claims the row, so the extra
    /// message sends nothing twice. Every table row and every other queue is compared.
    /// </summary>
    private async Task<string> StateAsync() =>
        string.Join('\n', (await StorageSnapshot.TakeAsync(_runner.Storage)).Split('\n').Where(l => !l.StartsWith("queue " + QueueNames.MailOutbox + "=", StringComparison.Ordinal)));

    private Task<HttpResponseMessage> RunAsync(string function, string message) =>
        _runner.Http.PostAsync($"admin/functions/{function}", Problems.Json(JsonSerializer.Serialize(new { input = message })));

    /// <summary>Takes the app's messages off the queue, decoded as the trigger would see them.</summary>
    private async Task<IReadOnlyList<string>> DrainAsync(string queue)
    {
        var client = _runner.Storage.Queue(queue);
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

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Events;

/// <summary>
/// Azurite answers a query across partitions as fast as one within a partition; Azure scans the table for it.
/// This test records every table request the app makes while the public goes through its journey (list events,
/// read one, register, read the registration, ask the bot about open events, and the queue work that follows), then
/// staff's notices lists and a mail sweep, and fails on any query of a table holding per-registration or per-person
/// rows that does not pin one PartitionKey.
/// </summary>
public sealed class PublicJourneyTableRequestTests
{
    private static readonly string[] PerRegistrationTables = [TableNames.ForumEvents, TableNames.RegistrationCodes, TableNames.Notifications, TableNames.Partners, TableNames.Applicants];

    [Fact]
    public async Task A_public_journey_queries_no_per_registration_table_across_partitions()
    {
        var log = new TableRequestLog();
        await using var runner = await PrivateRunner.StartAsync((options, connectionString) => options.ConfigureServices = services =>
            services.AddSingleton(StorageAccount.FromConnectionString(connectionString, o =>
            {
                if (o is TableClientOptions) o.AddPolicy(log, Azure.Core.HttpPipelinePosition.PerCall);
            })));
        var http = runner.Http;
        var eventId = Unique.Slug("journey");
        var title = "Journey salon " + eventId;
        var create = EventsApi.EventBody(eventId, capacity: 1);
        create["title"] = title;
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("api/staff/events", create)).StatusCode);
        log.Clear();

        var listed = await Problems.JsonAsync(await http.GetAsync("api/events"), HttpStatusCode.OK);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("eventId").GetString() == eventId);
        await Problems.JsonAsync(await http.GetAsync($"api/events/{eventId}"), HttpStatusCode.OK);
        var first = await RegisterAsync(http, eventId, "first.journey@example.org");
        var second = await RegisterAsync(http, eventId, "second.journey@example.org");
        Assert.Equal(("confirmed", "waitlisted"), (first.GetProperty("status").GetString(), second.GetProperty("status").GetString()));
        foreach (var receipt in new[] { first, second })
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"api/registrations/{receipt.GetProperty("code").GetString()}");
            read.Headers.Add("X-Manage-Token", receipt.GetProperty("manageToken").GetString());
            await Problems.JsonAsync(await http.SendAsync(read), HttpStatusCode.OK);
        }

        // The catalogue follows the ledger through the queue: wait until the list shows the seat taken, then ask the bot.
        await Eventually.TrueAsync(async () => (await Problems.JsonAsync(await http.GetAsync("api/events"), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Any(e => e.GetProperty("eventId").GetString() == eventId && e.GetProperty("seatsLeft").GetInt32() == 0),
            what: "the list's seat count");
        var reply = await AskBotAsync(http, "Which forum events are open?");
        Assert.Contains(title, reply);

        // Staff's view of the outbox and the mail sweep read index partitions of notifications, not the table.
        foreach (var status in new[] { "failed", "pending", "sent" })
        {
            await Problems.JsonAsync(await http.GetAsync($"api/staff/notices?status={status}"), HttpStatusCode.OK);
        }

        await runner.App.Services.GetRequiredService<ForumCloud.Functions.Mail.MailSweep>().RunAsync(CancellationToken.None);

        var requests = log.Requests;
        var scans = requests.Where(r => PerRegistrationTables.Contains(r.Table) && !TableRequestLog.PinsOnePartition(r)).ToList();
        Assert.True(scans.Count == 0, "Queries across partitions of per-registration tables:\n" + string.Join("\n", scans));

        // The journey did reach storage, and the lists read the catalogue's single partition.
        Assert.Contains(requests, r => r.Table == TableNames.ForumEvents);
        Assert.Contains(requests, r => r.Table == TableNames.EventCatalog && r.IsQuery && TableRequestLog.PinsOnePartition(r));
        Assert.Contains(requests, r => r.Table == TableNames.Notifications && r.IsQuery && r.Filter!.Contains(ForumCloud.Functions.Mail.NoticeIndex.Open, StringComparison.Ordinal));
    }

    [Fact]
    public void The_recorder_tells_a_partition_query_from_a_scan()
    {
        Assert.True(TableRequestLog.PinsOnePartition(new TableRequest("GET", "forumevents", true, "PartitionKey eq 'a' and RowKey ge 'reg-'")));
        Assert.True(TableRequestLog.PinsOnePartition(new TableRequest("GET", "forumevents", false, null)));
        Assert.False(TableRequestLog.PinsOnePartition(new TableRequest("GET", "forumevents", true, "RowKey eq 'event' and Status eq 'Published'")));
        Assert.False(TableRequestLog.PinsOnePartition(new TableRequest("GET", "forumevents", true, "PartitionKey eq 'a' or PartitionKey eq 'b'")));
        Assert.False(TableRequestLog.PinsOnePartition(new TableRequest("GET", "forumevents", true, null)));
        Assert.False(TableRequestLog.PinsOnePartition(new TableRequest("GET", "notifications", true, "Status eq 'failed'")));
    }

    // Through a verified partner (confirmed at once, 201); an anonymous hold makes the same seat transaction.
    private static async Task<JsonElement> RegisterAsync(HttpClient http, string eventId, string email) =>
        await Problems.JsonAsync(await EventsApi.PostRegistrationAsync(http, eventId, EventsApi.Attendee(email, "Journey Person", "DE")), HttpStatusCode.Created);

    /// <summary>The bot's answer over /api/messages, returned in the HTTP response (deliveryMode expectReplies: no channel needed).</summary>
    private static async Task<string> AskBotAsync(HttpClient http, string text)
    {
        var activity = JsonSerializer.Serialize(new
        {
            type = "message",
            id = "act-" + Guid.NewGuid().ToString("N")[..8],
            serviceUrl = "http://127.0.0.1:9/",
            channelId = "emulator",
            deliveryMode = "expectReplies",
            from = new { id = "user-journey", role = "user" },
            conversation = new { id = "conv-" + Guid.NewGuid().ToString("N") },
            recipient = new { id = "forumcloud-bot", role = "bot" },
            text,
            locale = "en-US",
        });
        var response = await http.PostAsync("api/messages", new StringContent(activity, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"messages answered {(int)response.StatusCode}: {body}");
        var replies = JsonDocument.Parse(body).RootElement.GetProperty("activities").EnumerateArray();
        return string.Join("\n", replies.Select(a => a.TryGetProperty("text", out var t) ? t.GetString() : ""));
    }
}

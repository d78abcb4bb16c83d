using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.DevHost;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit.Abstractions;

namespace ForumCloud.Tests.Mail;

/// <summary>
/// The black-box check, as a developer runs it: a runner with no ForumCloud__Mail__SmtpHost starts smtp4dev itself; a
/// registration over HTTP arrives there (read back through smtp4dev's REST API) with a text/calendar and an image/png
/// part; the QR's secret checks the person in once. Prints how long the first mail took.
/// </summary>
public sealed class LocalInboxTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_runner_starts_smtp4dev_and_a_registration_arrives_there_with_an_invite_and_a_qr_that_checks_in_once()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Needs the local runner (it starts smtp4dev).");
        await using var azurite = await AzuriteProcess.StartInMemoryAsync();
        var options = new DevHostOptions { StorageConnectionString = azurite.ConnectionString, StartAzuriteIfNeeded = false, LoadSeeds = false };
        var started = Stopwatch.StartNew();
        await using var runner = await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0"], options);
        output.WriteLine($"runner with smtp4dev started in {started.Elapsed.TotalSeconds:F1} s");
        var inbox = runner.Services.GetRequiredService<IConfiguration>()[Smtp4devProcess.InboxSetting];
        Assert.NotNull(inbox);
        using var http = RunnerHttp.Client(runner);
        using var smtp4dev = new HttpClient { BaseAddress = new Uri(inbox + "/") };

        var eventId = await EventsApi.CreateEventAsync(http, capacity: 5);
        var address = $"delegate-{Guid.NewGuid():N}@example.org";
        var clock = Stopwatch.StartNew();
        var receipt = await EventsApi.RegisterAsync(http, eventId, await EventsApi.SeededPartnerAsync(runner.Services), address); // the partner's own mail would go to smtp4dev
        var id = await Eventually.ValueAsync(() => MessageIdForAsync(smtp4dev, address), v => v is not null, TimeSpan.FromSeconds(30), "the mail in smtp4dev");
        var arrival = clock.Elapsed;
        output.WriteLine($"first mail: {arrival.TotalMilliseconds:F0} ms from sending the registration request to its arrival in smtp4dev");
        Console.WriteLine($"[mail] first mail through the runner and smtp4dev: {arrival.TotalMilliseconds:F0} ms");

        await using var raw = await smtp4dev.GetStreamAsync($"api/messages/{id}/raw");
        var mail = await MimeMessage.LoadAsync(raw);
        Assert.Equal(address, mail.To.Mailboxes.Single().Address);
        Assert.NotNull(ReceivedMail.Part(mail, "text", "calendar"));
        Assert.NotNull(ReceivedMail.Part(mail, "image", "png"));
        Assert.Contains(receipt.GetProperty("code").GetString()!, mail.TextBody);

        var secret = ReceivedMail.DecodeQr(mail);
        await Problems.JsonAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret }), HttpStatusCode.OK);
        await Problems.AssertProblemAsync(await http.PostAsJsonAsync("api/staff/check-ins", new { secret }), HttpStatusCode.Conflict);
    }

    private static async Task<string?> MessageIdForAsync(HttpClient smtp4dev, string address)
    {
        var page = await smtp4dev.GetFromJsonAsync<JsonElement>("api/messages?pageSize=100");
        foreach (var message in page.GetProperty("results").EnumerateArray())
        {
            if (message.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), address, StringComparison.OrdinalIgnoreCase))) return message.GetProperty("id").GetString();
        }

        return null;
    }
}

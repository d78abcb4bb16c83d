using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Events;

/// <summary>
/// Correctness may not depend on one process: a second local runner, a real child process with its own
/// seat lanes, registers into the same event over the same Azurite as the test run's runner.
/// The child serves HTTP only (`DevHost:RunTriggers=false`): with queue listeners it would take the whole suite's
/// messages from the shared queues, and its kill at the end would leave those it held invisible for the listener's
/// 10-minute lease (a mail-outbox message it held stranded another test's confirmation that way). It has the shared
/// runner's mail settings, so what it queues reads the same.
/// </summary>
public sealed class TwoProcessTests : IAsyncLifetime
{
    private Process? _child;
    private HttpClient? _childHttp;

    public async Task InitializeAsync()
    {
        if (SharedRunner.ExternalBaseUrl is not null) return; // needs the test run's own Azurite
        var port = ForumCloud.DevHost.AzuriteProcess.FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "ForumCloud.DevHost.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in (await TestMailbox.SharedAsync()).RunnerArguments) info.ArgumentList.Add(argument);
        info.Environment["AzureWebJobsStorage"] = await SharedAzurite.ConnectionStringAsync();
        info.Environment[ForumCloud.DevHost.DevHostOptions.RunTriggersSetting.Replace(":", "__", StringComparison.Ordinal)] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var key = ForumCloud.Functions.Platform.Secrets.NewToken();
        info.Environment[ForumCloud.DevHost.FunctionKeys.Setting] = key;
        _child = Process.Start(info)!;
        _child.OutputDataReceived += (_, _) => { };
        _child.ErrorDataReceived += (_, _) => { };
        _child.BeginOutputReadLine();
        _child.BeginErrorReadLine();
        _childHttp = RunnerHttp.Client(new Uri($"http://127.0.0.1:{port}/"), key);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_child.HasExited) throw new InvalidOperationException($"The second runner exited with code {_child.ExitCode}.");
            try
            {
                if ((await _childHttp.GetAsync("api/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException("The second runner did not answer /api/health.");
            await Task.Delay(250);
        }
    }

    public Task DisposeAsync()
    {
        _childHttp?.Dispose();
        if (_child is { HasExited: false })
        {
            _child.Kill(entireProcessTree: true);
            _child.WaitForExit(10_000);
        }

        _child?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The shared runner's client, the child's, an event of 25 seats, and a partner verified through the shared runner (whose mail reaches the test mailbox).</summary>
    private async Task<(HttpClient Http, HttpClient Child, string EventId, (string PartnerId, string Token) Partner)> ArrangeAsync()
    {
        Skip.If(_childHttp is null, "FORUMCLOUD_BASE_URL is set: against an external URL there is no second process to start.");
        var http = await SharedRunner.ClientAsync();
        return (http, _childHttp, await EventsApi.CreateEventAsync(http, capacity: 25), await EventsApi.PartnerAsync(http));
    }

    [SkippableFact]
    public async Task Two_runner_processes_registering_into_one_event_do_not_oversell()
    {
        var (http, child, eventId, partner) = await ArrangeAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 90).Select(async i =>
        {
            var response = await EventsApi.PostRegistrationAsync(i % 2 == 0 ? http : child, eventId, EventsApi.Attendee($"p{i}-{Guid.NewGuid():N}@example.org"), partner: partner);
            return await Problems.JsonAsync(response, HttpStatusCode.Created);
        }));

        Assert.Equal(25, answers.Count(a => a.GetProperty("status").GetString() == "confirmed"));
        var positions = answers.Where(a => a.GetProperty("status").GetString() == "waitlisted").Select(a => a.GetProperty("waitlistPosition").GetInt32()).Order();
        Assert.Equal(Enumerable.Range(1, 65), positions);

        var seen = await EventsApi.EventAsync(child, eventId);
        Assert.Equal((0, 65), (seen.GetProperty("seatsLeft").GetInt32(), seen.GetProperty("waitlistLength").GetInt32()));
        var list = await EventsApi.StaffListAsync(http, eventId);
        Assert.Equal(25, list.Count(r => r.GetProperty("status").GetString() == "confirmed"));
        Assert.Equal(90, list.Select(r => r.GetProperty("code").GetString()).Distinct().Count());

        // Both processes see every registration by its code.
        foreach (var a in answers.Take(6))
        {
            var view = await EventsApi.GetRegistrationAsync(child, a.GetProperty("code").GetString()!, a.GetProperty("manageToken").GetString());
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
        }
    }

    [SkippableFact]
    public async Task Two_processes_mixing_anonymous_holds_and_partner_registrations_do_not_oversell()
    {
        var (http, child, eventId, partner) = await ArrangeAsync();

        // Even requests anonymous (a held seat or waitlist place, 202), odd ones through a verified partner (201).
        var statuses = await Task.WhenAll(Enumerable.Range(0, 90).Select(async i =>
        {
            var response = await EventsApi.PostRegistrationAsync(i % 4 < 2 ? http : child, eventId, EventsApi.Attendee($"h{i}-{Guid.NewGuid():N}@example.org"), anonymous: i % 2 == 0, partner: partner);
            return response.StatusCode;
        }));
        Assert.Equal(45, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(45, statuses.Count(s => s == HttpStatusCode.Created));

        // Seats are held or confirmed, never more than capacity; every waitlist place (held or not) is counted once.
        var rows = await HoldTests.RegistrationRowsAsync(eventId);
        var seats = rows.Count(r => r.Status == "confirmed" || (r.Status == "pending-confirmation" && r.HeldPlace == "confirmed"));
        Assert.Equal(25, seats);
        Assert.Equal(90, rows.Select(r => r.Code).Distinct().Count());
        var seen = await EventsApi.EventAsync(child, eventId);
        Assert.Equal((0, 65), (seen.GetProperty("seatsLeft").GetInt32(), seen.GetProperty("waitlistLength").GetInt32()));
    }
}

using System.Net;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Runner;

/// <summary>The local runner's queue and timer semantics, proven over real Azurite and real HTTP.</summary>
public sealed class RunnerTriggerTests : IAsyncLifetime
{
    private DevHostApp _runner = null!;
    private StorageAccount _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = await SharedAzurite.StorageAsync();
        foreach (var queue in new[] { TestFunctions.AlwaysFailsQueue, TestFunctions.EchoQueue })
        {
            await _storage.Queue(queue).CreateIfNotExistsAsync();
            await _storage.Queue(QueueNames.PoisonOf(queue)).CreateIfNotExistsAsync();
        }

        var options = new DevHostOptions { StorageConnectionString = await SharedAzurite.ConnectionStringAsync(), StartAzuriteIfNeeded = false, StartMailServerIfNeeded = false, LoadSeeds = false };
        options.FunctionAssemblies.Clear();
        options.FunctionAssemblies.Add(typeof(TestFunctions).Assembly);
        _runner = await DevHostApp.StartAsync(await TestMailbox.RunnerArgumentsAsync(), options);
    }

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task A_message_whose_handler_always_throws_is_tried_five_times_then_lands_in_the_poison_queue()
    {
        var body = "fail-" + Guid.NewGuid().ToString("N");
        await _storage.Queue(TestFunctions.AlwaysFailsQueue).SendMessageAsync(body);

        var poison = _storage.Queue(QueueNames.PoisonOf(TestFunctions.AlwaysFailsQueue));
        var landed = await Eventually.ValueAsync(
            async () => (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList(),
            bodies => bodies.Contains(body), TimeSpan.FromSeconds(60), "the message to reach the poison queue");

        Assert.Contains(body, landed);
        Assert.Equal(5, TestFunctions.Attempts[body]);
        Assert.Equal(0, (await _storage.Queue(TestFunctions.AlwaysFailsQueue).PeekMessagesAsync(32)).Value.Count(m => m.Body.ToString() == body));
    }

    [Fact]
    public async Task A_message_the_app_enqueues_is_read_by_its_trigger_as_the_same_object()
    {
        var probe = new Probe(Guid.NewGuid().ToString("N"), "Zhongguancun 中关村 ✓", 42);
        await QueueMessages.SendAsync(_storage.Queue(TestFunctions.EchoQueue), probe, CancellationToken.None);

        // Stored base64, as the Functions trigger expects by default.
        var raw = _storage.RawQueue(TestFunctions.EchoQueue);
        await Eventually.TrueAsync(() => Task.FromResult(TestFunctions.Received.ContainsKey(probe.Id)), what: "the echo function to receive the probe");
        Assert.Equal(probe, TestFunctions.Received[probe.Id]);
        Assert.Empty((await raw.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task The_app_queue_client_writes_base64_that_decodes_to_the_json_message()
    {
        var queue = "test-encoding-" + Guid.NewGuid().ToString("N")[..8];
        await _storage.Queue(queue).CreateAsync();
        await QueueMessages.SendAsync(_storage.Queue(queue), new Probe("p", "ü", 1), CancellationToken.None);

        var stored = (await _storage.RawQueue(queue).ReceiveMessageAsync()).Value.MessageText;
        var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(stored));
        Assert.Equal("{\"id\":\"p\",\"text\":\"ü\",\"number\":1}", decoded);
        await _storage.Queue(queue).DeleteAsync();
    }

    [Fact]
    public async Task Admin_endpoint_runs_a_timer_function_by_hand_and_refuses_unknown_names()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_runner.BaseUrl) };
        var before = TestFunctions.TimerRuns;

        var run = await http.PostAsync("/admin/functions/TestTimer", Problems.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        Assert.Equal(before + 1, TestFunctions.TimerRuns);

        var missing = await http.PostAsync("/admin/functions/NoSuchFunction", Problems.Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Admin_endpoint_hands_the_input_to_a_queue_function()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_runner.BaseUrl) };
        var id = Guid.NewGuid().ToString("N");
        var input = System.Text.Json.JsonSerializer.Serialize(new { input = $"{{\"id\":\"{id}\",\"text\":\"by hand\",\"number\":7}}" });

        var run = await http.PostAsync("/admin/functions/TestEcho", Problems.Json(input));

        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        Assert.Equal(new Probe(id, "by hand", 7), TestFunctions.Received[id]);
    }

    [Fact]
    public void Schedules_parse_as_the_functions_host_reads_them()
    {
        var everyFiveMinutes = TimerTriggerScheduler.ParseSchedule("0 */5 * * * *");
        Assert.Equal(new DateTime(2027, 1, 1, 0, 5, 0), everyFiveMinutes(new DateTime(2027, 1, 1, 0, 1, 30)));
        var interval = TimerTriggerScheduler.ParseSchedule("00:00:30");
        Assert.Equal(new DateTime(2027, 1, 1, 0, 0, 30), interval(new DateTime(2027, 1, 1)));
        Assert.ThrowsAny<Exception>(() => TimerTriggerScheduler.ParseSchedule("every day"));
    }
}

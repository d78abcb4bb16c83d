using System.Collections.Concurrent;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Runner;

/// <summary>Functions that exist only to prove the runner's trigger semantics; hosted by a runner of their own.</summary>
public sealed class TestFunctions
{
    public const string AlwaysFailsQueue = "test-always-fails";
    public const string EchoQueue = "test-echo";
    public const string OtherAccountQueue = "test-other-account";

    /// <summary>The app setting naming a second storage account (a trigger's `Connection`).</summary>
    public const string OtherAccountConnection = "TestOtherStorage";

    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    public static ConcurrentDictionary<string, Probe> Received { get; } = new();

    public static int TimerRuns;

    [Function("TestAlwaysFails")]
    public void AlwaysFails([QueueTrigger(AlwaysFailsQueue)] string message)
    {
        Attempts.AddOrUpdate(message, 1, (_, n) => n + 1);
        throw new InvalidOperationException("This handler always fails.");
    }

    [Function("TestEcho")]
    public Task Echo([QueueTrigger(EchoQueue)] Probe probe, CancellationToken cancellationToken)
    {
        Received[probe.Id] = probe;
        return Task.CompletedTask;
    }

    [Function("TestOtherAccountEcho")]
    public void OtherAccountEcho([QueueTrigger(OtherAccountQueue, Connection = OtherAccountConnection)] Probe probe) => Received[probe.Id] = probe;

    /// <summary>The shared HTTP plumbing end to end: route id check, body limits, JSON parsing, field validation.</summary>
    [Function("TestEchoBody")]
    public async Task<IActionResult> EchoBody(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "test/echo/{eventId}")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken)
    {
        var id = RouteIds.Require(RouteIds.EventSlug, eventId);
        var body = await RequestBody.ReadJsonAsync<EchoBody>(request, cancellationToken);
        var errors = new FieldErrors();
        var name = errors.Text("name", body.Name);
        var email = errors.Email("email", body.Email);
        var country = errors.Country("country", body.Country);
        errors.ThrowIfAny();
        return new CreatedResult($"/api/test/echo/{id}", new { id, name, email, country });
    }

    /// <summary>Held open until a test releases it, to see the admin API answer before the run ends.</summary>
    public static TaskCompletionSource SlowRelease { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Function("TestSlowTimer")]
    public Task SlowTimer([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer) => SlowRelease.Task;

    [Function("TestFailingTimer")]
    public void FailingTimer([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer) => throw new InvalidOperationException("This timer always fails.");

    [Function("TestStaffEcho")]
    public IActionResult StaffEcho([HttpTrigger(AuthorizationLevel.Function, "get", Route = "test/staff")] HttpRequest request) => new OkResult();

    [Function("TestTimer")]
    public void Timer([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer) => Interlocked.Increment(ref TimerRuns);
}

/// <summary>A timer that fires every second and says which runner fired it, for the singleton test.</summary>
public sealed class SingletonTimerFunctions(StorageAccount storage, Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public const string Name = "TestSingletonTimer";
    public const string FiresQueueSetting = "TestSingletonFiresQueue";
    public const string RunnerNameSetting = "TestRunnerName";

    [Function(Name)]
    public async Task Fire([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        await storage.Queue(configuration[FiresQueueSetting]!).SendMessageAsync(configuration[RunnerNameSetting], cancellationToken);
}

public sealed record Probe(string Id, string Text, int Number);

public sealed record EchoBody(string? Name, string? Email, string? Country);

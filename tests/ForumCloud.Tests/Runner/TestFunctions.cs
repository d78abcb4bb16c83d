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

    /// <summary>The shared HTTP plumbing end to end: route id check, body limits, JSON parsing, field validation.</summary>
    [Function("TestEchoBody")]
    public Task<IActionResult> EchoBody(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "test/echo/{eventId}")] HttpRequest request,
        string eventId,
        CancellationToken cancellationToken) =>
        HttpEndpoint.RunAsync(request, NullLogger.Instance, async () =>
        {
            var id = RouteIds.Require(RouteIds.EventSlug, eventId);
            var body = await RequestBody.ReadJsonAsync<EchoBody>(request, cancellationToken);
            var errors = new FieldErrors();
            var name = errors.Text("name", body.Name);
            var email = errors.Email("email", body.Email);
            var country = errors.Country("country", body.Country);
            errors.ThrowIfAny();
            return ApiResults.Created($"/api/test/echo/{id}", new { id, name, email, country });
        });

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

public sealed record Probe(string Id, string Text, int Number);

public sealed record EchoBody(string? Name, string? Email, string? Country);

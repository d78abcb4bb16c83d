using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.DevHost;

/// <summary>
/// The host's admin API, as far as the runner needs it; every call needs the function key (the host
/// asks for its master key). `GET /admin/functions` lists the hosted functions.
/// `POST /admin/functions/{name}` with `{"input": "..."}` starts a queue or timer function by hand and
/// answers 202 at once, as the host does; unlike the host it adds a `Location` header, the status URL
/// `/admin/functions/{name}/runs/{id}`, which answers `{"status": "running" | "succeeded" | "failed"}`,
/// so a script (or a test) can wait for the run to finish.
/// </summary>
internal static class AdminEndpoints
{
    public static void Map(WebApplication app, IReadOnlyList<FunctionDescriptor> functions, FunctionKeys keys)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
            keys.Presented(context.HttpContext.Request) ? await next(context) : Results.StatusCode(StatusCodes.Status401Unauthorized));

        admin.MapGet("/functions", () => Results.Json(functions.Select(Describe)));

        admin.MapPost("/functions/{name}", async (string name, HttpContext context, ManualRuns runs) =>
        {
            var function = Find(functions, name);
            if (function is null) return Results.Problem(statusCode: 404, title: "No such function.", detail: $"No function is named '{name}'.");
            if (function.Trigger == TriggerKind.Http) return Results.Problem(statusCode: 400, title: "HTTP function.", detail: "Call HTTP functions on their route.");

            var input = await ReadInputAsync(context);
            var run = runs.Start(function, function.Trigger == TriggerKind.Queue
                ? new TriggerInput(QueueMessage: input ?? "")
                : new TriggerInput(Timer: new TimerInfo { ScheduleStatus = new ScheduleStatus { LastUpdated = DateTime.UtcNow } }));
            context.Response.Headers.Location = $"/admin/functions/{function.Name}/runs/{run.Id}";
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });

        admin.MapGet("/functions/{name}/runs/{id}", (string name, string id, ManualRuns runs) =>
            runs.Find(id) is { } run && string.Equals(run.Function, name, StringComparison.OrdinalIgnoreCase)
                ? Results.Json(new { function = run.Function, id = run.Id, status = run.Status, error = run.Error })
                : Results.Problem(statusCode: 404, title: "No such run.", detail: "The runner does not know this run (runs are kept in memory until it stops)."));
    }

    private static FunctionDescriptor? Find(IReadOnlyList<FunctionDescriptor> functions, string name) =>
        functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    private static object Describe(FunctionDescriptor f) => new
    {
        name = f.Name,
        entryPoint = f.EntryPoint,
        trigger = f.Trigger.ToString().ToLowerInvariant(),
        route = f.Trigger == TriggerKind.Http ? f.HttpRoute : null,
        methods = f.Trigger == TriggerKind.Http ? f.HttpMethods : null,
        authLevel = f.Trigger == TriggerKind.Http ? f.Http.AuthLevel.ToString() : null,
        queue = f.Trigger == TriggerKind.Queue ? f.Queue.QueueName : null,
        connection = f.Trigger == TriggerKind.Queue ? f.Queue.Connection : null,
        schedule = f.Trigger == TriggerKind.Timer ? f.Timer.Schedule : null,
    };

    private static async Task<string?> ReadInputAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0 or null && !context.Request.Headers.ContainsKey("Transfer-Encoding")) return null;
        using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        return doc.RootElement.TryGetProperty("input", out var input) ? input.ValueKind == JsonValueKind.String ? input.GetString() : input.GetRawText() : null;
    }
}

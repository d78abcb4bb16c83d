using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.DevHost;

/// <summary>
/// `POST /admin/functions/{name}` with `{"input": "..."}` runs a queue or timer function by hand, as
/// Core Tools does. Unlike Core Tools the runner waits for the function and then answers 202, so a
/// script (or a test) knows the run has finished; a failure answers 500 with the error's type.
/// `GET /admin/functions` lists the hosted functions.
/// </summary>
internal static class AdminEndpoints
{
    public static void Map(WebApplication app, IReadOnlyList<FunctionDescriptor> functions)
    {
        app.MapGet("/admin/functions", () => Results.Json(functions.Select(f => new
        {
            name = f.Name,
            trigger = f.Trigger.ToString().ToLowerInvariant(),
            route = f.Trigger == TriggerKind.Http ? f.HttpRoute : null,
            methods = f.Trigger == TriggerKind.Http ? f.HttpMethods : null,
            queue = f.Trigger == TriggerKind.Queue ? f.Queue.QueueName : null,
            schedule = f.Trigger == TriggerKind.Timer ? f.Timer.Schedule : null,
        })));

        app.MapPost("/admin/functions/{name}", async (string name, HttpContext context, FunctionInvoker invoker, ILoggerFactory loggers) =>
        {
            var function = functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (function is null) return Results.Problem(statusCode: 404, title: "No such function.", detail: $"No function is named '{name}'.");
            if (function.Trigger == TriggerKind.Http) return Results.Problem(statusCode: 400, title: "HTTP function.", detail: "Call HTTP functions on their route.");

            var input = await ReadInputAsync(context);
            try
            {
                await invoker.InvokeAsync(function, function.Trigger == TriggerKind.Queue
                    ? new TriggerInput(QueueMessage: input ?? "")
                    : new TriggerInput(Timer: new TimerInfo { ScheduleStatus = new ScheduleStatus { LastUpdated = DateTime.UtcNow } }), context.RequestAborted);
                return Results.StatusCode(StatusCodes.Status202Accepted);
            }
            catch (Exception ex)
            {
                loggers.CreateLogger("Admin").LogError(ex, "Function {Function} failed when run by hand", function.Name);
                return Results.Problem(statusCode: 500, title: "The function failed.", detail: ex.GetType().Name);
            }
        });
    }

    private static async Task<string?> ReadInputAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0 or null && !context.Request.Headers.ContainsKey("Transfer-Encoding")) return null;
        using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        return doc.RootElement.TryGetProperty("input", out var input) ? input.ValueKind == JsonValueKind.String ? input.GetString() : input.GetRawText() : null;
    }
}

using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using ForumCloud.Functions.Platform;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.DevHost;

/// <summary>What a trigger hands to an invocation.</summary>
public sealed record TriggerInput(HttpContext? Http = null, string? QueueMessage = null, TimerInfo? Timer = null);

/// <summary>
/// Invokes a function as the isolated worker does: a new instance per invocation from a DI scope,
/// parameters bound from the trigger (HttpRequest, route values, the queue message as text or JSON,
/// TimerInfo, CancellationToken), and an IActionResult executed against the HTTP response.
/// </summary>
public sealed class FunctionInvoker(IServiceScopeFactory scopes)
{
    private static readonly JsonSerializerOptions TriggerJson = new(JsonSerializerDefaults.Web);

    public async Task<object?> InvokeAsync(FunctionDescriptor function, TriggerInput input, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (input.Http is not { } http) return await CallAsync(scope.ServiceProvider, function, input, cancellationToken);

        // The Function App's worker middleware (HttpEdgeMiddleware) runs this same edge around the function.
        http.RequestServices = scope.ServiceProvider;
        var edge = scope.ServiceProvider.GetRequiredService<HttpEdge>();
        var result = await edge.InvokeAsync(http, function.StaffOnly, () => CallAsync(scope.ServiceProvider, function, input, cancellationToken));
        // What the worker's ASP.NET Core integration executes: an IActionResult, or an IResult.
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult answer:
                await answer.ExecuteAsync(http);
                break;
        }

        return result;
    }

    private static async Task<object?> CallAsync(IServiceProvider services, FunctionDescriptor function, TriggerInput input, CancellationToken cancellationToken)
    {
        var method = function.Method;
        var instance = method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => Bind(function, p, input, cancellationToken)).ToArray();

        object? returned;
        try
        {
            returned = method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        return await Unwrap(returned);
    }

    /// <summary>Fails at start-up, not at the first request, for a parameter the runner cannot bind.</summary>
    public static void EnsureBindable(FunctionDescriptor function)
    {
        foreach (var parameter in function.Method.GetParameters())
        {
            var ok = parameter == function.TriggerParameter
                || parameter.ParameterType == typeof(CancellationToken)
                || (function.Trigger == TriggerKind.Http && parameter.ParameterType == typeof(string) && function.HttpRoute.Contains('{' + parameter.Name!, StringComparison.OrdinalIgnoreCase));
            if (!ok)
            {
                throw new InvalidOperationException(
                    $"Function '{function.Name}': parameter '{parameter.Name}' ({parameter.ParameterType.Name}) cannot be bound by the local runner; " +
                    "take services through the constructor and use CancellationToken instead of FunctionContext.");
            }
        }

        if (function.Trigger == TriggerKind.Http && function.TriggerParameter.ParameterType != typeof(HttpRequest))
        {
            throw new InvalidOperationException($"HTTP function '{function.Name}' must take an HttpRequest (ASP.NET Core integration).");
        }
    }

    private static object? Bind(FunctionDescriptor function, ParameterInfo parameter, TriggerInput input, CancellationToken cancellationToken)
    {
        if (parameter.ParameterType == typeof(CancellationToken)) return input.Http?.RequestAborted ?? cancellationToken;
        if (parameter == function.TriggerParameter)
        {
            return function.Trigger switch
            {
                TriggerKind.Http => input.Http!.Request,
                TriggerKind.Queue => BindQueueMessage(parameter.ParameterType, input.QueueMessage ?? ""),
                TriggerKind.Timer => input.Timer ?? new TimerInfo(),
                _ => throw new InvalidOperationException(),
            };
        }

        return input.Http?.GetRouteValue(parameter.Name!)?.ToString();
    }

    private static object? BindQueueMessage(Type type, string message) =>
        type == typeof(string) ? message
        : type == typeof(BinaryData) ? BinaryData.FromString(message)
        : type == typeof(byte[]) ? System.Text.Encoding.UTF8.GetBytes(message)
        : JsonSerializer.Deserialize(message, type, TriggerJson);

    private static async Task<object?> Unwrap(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType ? type.GetProperty("Result")!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                return returned;
        }
    }
}

using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.DevHost;

public enum TriggerKind
{
    Http,
    Queue,
    Timer,
}

/// <summary>One function as its attributes declare it: the only route table there is.</summary>
public sealed record FunctionDescriptor(
    string Name,
    MethodInfo Method,
    TriggerKind Trigger,
    ParameterInfo TriggerParameter,
    Attribute TriggerAttribute)
{
    public HttpTriggerAttribute Http => (HttpTriggerAttribute)TriggerAttribute;

    public QueueTriggerAttribute Queue => (QueueTriggerAttribute)TriggerAttribute;

    public TimerTriggerAttribute Timer => (TimerTriggerAttribute)TriggerAttribute;

    /// <summary>HTTP methods in upper case; empty means any method.</summary>
    public IReadOnlyList<string> HttpMethods => Http.Methods?.Select(m => m.ToUpperInvariant()).ToArray() ?? [];

    /// <summary>The method's full name, as `entryPoint` in functions.metadata.</summary>
    public string EntryPoint => $"{Method.DeclaringType!.FullName}.{Method.Name}";

    /// <summary>Marked [StaffOnly], looked up the way the worker middleware does: by entry point and assembly path.</summary>
    public bool StaffOnly => ForumCloud.Functions.Platform.StaffOnlyAttribute.IsOn(EntryPoint, Method.DeclaringType!.Assembly.Location);

    /// <summary>The route template without the `api/` prefix (the function name when no Route is given, as in Functions).</summary>
    public string HttpRoute => Http.Route ?? Name;
}

/// <summary>Discovers the functions of assemblies from their [Function] and trigger attributes.</summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(IEnumerable<Assembly> assemblies)
    {
        var functions = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(Describe)
            .OfType<FunctionDescriptor>()
            .ToList();

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two functions are named '{duplicate.Key}'.");
        return functions;
    }

    /// <summary>host.json's `functions` list: only those functions are loaded (all when the list is empty).</summary>
    public static IReadOnlyList<FunctionDescriptor> Select(IReadOnlyList<FunctionDescriptor> functions, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return functions;
        var unknown = names.Where(n => !functions.Any(f => string.Equals(f.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0) throw new InvalidOperationException($"host.json lists functions that do not exist: {string.Join(", ", unknown)}.");
        return functions.Where(f => names.Contains(f.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    private static FunctionDescriptor? Describe(MethodInfo method)
    {
        var function = method.GetCustomAttribute<FunctionAttribute>();
        if (function is null) return null;

        foreach (var parameter in method.GetParameters())
        {
            foreach (var attribute in parameter.GetCustomAttributes())
            {
                var kind = attribute switch
                {
                    HttpTriggerAttribute => TriggerKind.Http,
                    QueueTriggerAttribute => TriggerKind.Queue,
                    TimerTriggerAttribute => TriggerKind.Timer,
                    _ => (TriggerKind?)null,
                };
                if (kind is { } k) return new FunctionDescriptor(function.Name, method, k, parameter, attribute);
            }
        }

        throw new InvalidOperationException($"Function '{function.Name}' has a trigger the local runner does not host (HTTP, queue and timer are supported).");
    }
}

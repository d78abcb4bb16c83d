using System.Collections.Concurrent;
using System.Reflection;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Marks a staff function: the edge (<see cref="HttpEdge"/>) demands the staff role before it runs
/// (<see cref="StaffGate"/>; the function key is the host's lock in front of it) and hands the function its
/// <see cref="StaffActor"/>. Every `staff/` route carries it, and nothing else does (AuthBoundaryTests).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StaffOnlyAttribute : Attribute
{
    private static readonly ConcurrentDictionary<string, bool> ByEntryPoint = new(StringComparer.Ordinal);

    public static bool IsOn(MethodInfo method) => method.IsDefined(typeof(StaffOnlyAttribute), inherit: false);

    /// <summary>
    /// For the worker, which knows a function by the generated metadata's entry point (`Namespace.Class.Method`) and
    /// assembly path; resolved once per function.
    /// </summary>
    public static bool IsOn(string entryPoint, string pathToAssembly) =>
        ByEntryPoint.GetOrAdd(entryPoint, _ =>
        {
            var split = entryPoint.LastIndexOf('.');
            var typeName = entryPoint[..split];
            // The worker has loaded the app's assembly already; load it from the path only if it has not.
            var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null)
                ?? Assembly.LoadFrom(pathToAssembly).GetType(typeName, throwOnError: true)!;
            return type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Where(m => m.Name == entryPoint[(split + 1)..])
                .Any(IsOn);
        });
}

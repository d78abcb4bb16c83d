using System.Text.Json.Nodes;

namespace ForumCloud.Tests.Infra;

/// <summary>One template's parameters and variables, as a nested deployment (a Bicep module) sees them.</summary>
public sealed class ArmScope
{
    private readonly JsonObject _template;
    private readonly Dictionary<string, object?> _parameters;
    private readonly Dictionary<string, object?> _variables = new(StringComparer.OrdinalIgnoreCase);

    public ArmScope(JsonObject template, IReadOnlyDictionary<string, object?> suppliedParameters, string path, bool? deployed = true)
    {
        _template = template;
        Path = path;
        Deployed = deployed;
        _parameters = new Dictionary<string, object?>(suppliedParameters, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, definition) in template["parameters"]?.AsObject() ?? [])
        {
            if (_parameters.ContainsKey(name)) continue;
            _parameters[name] = definition!.AsObject().TryGetPropertyValue("defaultValue", out var defaultValue)
                ? ArmExpression.EvaluateNode(defaultValue, this, null)
                : new ArmUnknown($"parameters('{name}')");
        }
    }

    /// <summary>The module path, e.g. "" for main.bicep, "api-settings" for a module.</summary>
    public string Path { get; }

    /// <summary>Whether the enclosing modules are deployed: a resource of a module left out by its condition is left out too.</summary>
    public bool? Deployed { get; }

    public object? Parameter(string name) =>
        _parameters.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"Template {Path} has no parameter {name}");

    public object? Variable(string name)
    {
        if (_variables.TryGetValue(name, out var cached)) return cached;
        var variables = _template["variables"]?.AsObject() ?? throw new KeyNotFoundException($"Template {Path} has no variables");
        if (!variables.TryGetPropertyValue(name, out var node)) throw new KeyNotFoundException($"Template {Path} has no variable {name}");
        return _variables[name] = ArmExpression.EvaluateNode(node, this, null);
    }
}

/// <summary>A resource of the compiled template, with the scope and copy index its expressions evaluate in.</summary>
public sealed record ArmResource(string Type, JsonObject Node, ArmScope Scope, int? CopyIndex)
{
    public string Module => Scope.Path;

    public object? Name => Evaluate("name");

    /// <summary>The last segment of the name: "forumevents" for "st.../default/forumevents".</summary>
    public string ShortName => ArmExpression.Text(Name).Split('/')[^1];

    /// <summary>True/false when its own and its modules' conditions are known, null when they depend on Azure.</summary>
    public bool? Deployed => Scope.Deployed switch
    {
        false => false,
        var enclosing => (Node["condition"] is null ? true : Evaluate("condition") as bool?) switch
        {
            false => false,
            true => enclosing,
            null => null,
        },
    };

    public bool IsConditional => Node["condition"] is not null;

    public object? Evaluate(string propertyPath)
    {
        JsonNode? node = Node;
        var segments = propertyPath.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            if (node is JsonObject obj)
            {
                node = obj[segments[i]];
                continue;
            }

            // An expression (e.g. a conditional object) in the middle of the path: evaluate it, walk on in its value.
            object? value = ArmExpression.EvaluateNode(node, Scope, CopyIndex);
            foreach (var segment in segments[i..])
            {
                value = value is Dictionary<string, object?> dictionary ? dictionary.GetValueOrDefault(segment) : value is null ? null : new ArmUnknown(propertyPath);
            }

            return value;
        }

        return ArmExpression.EvaluateNode(node, Scope, CopyIndex);
    }

    public string Text(string propertyPath) => ArmExpression.Text(Evaluate(propertyPath));

    public Dictionary<string, object?> Object(string propertyPath) =>
        Evaluate(propertyPath) as Dictionary<string, object?> ?? throw new InvalidOperationException($"{Type}.{propertyPath} is not an object");
}

/// <summary>
/// The compiled infra/main.bicep, flattened: every resource of every nested deployment (module), copy
/// loops expanded, with the parameters each module receives evaluated as far as they can be offline.
/// </summary>
public sealed class ArmTemplate
{
    private ArmTemplate(JsonObject root, IReadOnlyList<ArmResource> resources, ArmScope rootScope)
    {
        Root = root;
        Resources = resources;
        RootScope = rootScope;
    }

    public JsonObject Root { get; }

    public ArmScope RootScope { get; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public static ArmTemplate Load(JsonObject root, IReadOnlyDictionary<string, object?> parameters)
    {
        var scope = new ArmScope(root, parameters, "");
        var resources = new List<ArmResource>();
        Collect(root, scope, resources);
        return new ArmTemplate(root, resources, scope);
    }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of the type this deployment creates (resources left out by a condition do not count).</summary>
    public ArmResource Single(string type) => Assert.Single(OfType(type), r => r.Deployed != false);

    private static void Collect(JsonObject template, ArmScope scope, List<ArmResource> into)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject symbolic => symbolic.Select(p => p.Value!.AsObject()), // languageVersion 2.0
            _ => [],
        };

        foreach (var resource in resources)
        {
            var type = (string)resource["type"]!;
            if (resource["existing"]?.GetValue<bool>() == true) continue;
            foreach (var copyIndex in CopyIndexes(resource, scope))
            {
                var item = new ArmResource(type, resource, scope, copyIndex);
                into.Add(item);
                if (type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject inner)
                {
                    var supplied = (resource["properties"]!["parameters"]?.AsObject() ?? [])
                        .ToDictionary(p => p.Key, p => ParameterValue(p.Value!, scope, copyIndex), StringComparer.OrdinalIgnoreCase);
                    var name = item.Text("name");
                    Collect(inner, new ArmScope(inner, supplied, scope.Path.Length == 0 ? name : $"{scope.Path}/{name}", item.Deployed), into);
                }
            }
        }
    }

    // {"value": ...}, or (for a conditional value) an expression that yields that object.
    private static object? ParameterValue(JsonNode parameter, ArmScope scope, int? copyIndex) =>
        parameter is JsonObject wrapped
            ? ArmExpression.EvaluateNode(wrapped["value"], scope, copyIndex)
            : ArmExpression.EvaluateNode(parameter, scope, copyIndex) switch
            {
                Dictionary<string, object?> evaluated when evaluated.TryGetValue("value", out var value) => value,
                var other => other,
            };

    private static IEnumerable<int?> CopyIndexes(JsonObject resource, ArmScope scope)
    {
        if (resource["copy"] is not JsonObject copy) return [null];
        var count = ArmExpression.EvaluateNode(copy["count"], scope, null);
        return count is long n
            ? Enumerable.Range(0, (int)n).Select(i => (int?)i).ToArray()
            : throw new InvalidOperationException($"Copy count of {resource["type"]} cannot be evaluated offline: {ArmExpression.Text(count)}");
    }
}

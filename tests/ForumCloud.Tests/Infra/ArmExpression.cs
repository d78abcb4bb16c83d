using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ForumCloud.Tests.Infra;

/// <summary>
/// A value only Azure knows at deployment time (a reference(), a uniqueString(), a list*() call...),
/// kept as the expression text so tests can still say where it comes from.
/// </summary>
public sealed record ArmUnknown(string Expression)
{
    public override string ToString() => $"⟨{Expression}⟩";
}

/// <summary>
/// Enough of the ARM template expression language to read a compiled Bicep template offline:
/// literals, parameters()/variables(), copyIndex(), property access and indexing, and the pure
/// functions Bicep emits for names and settings (format, concat, union, createObject, if, ...).
/// Anything that needs Azure evaluates to <see cref="ArmUnknown"/>; inside a string it shows as ⟨text⟩.
/// Values: string, long, bool, null, List&lt;object?&gt;, Dictionary&lt;string, object?&gt;, ArmUnknown.
/// </summary>
public sealed class ArmExpression
{
    private readonly string _text;
    private int _pos;

    private ArmExpression(string text) => _text = text;

    public static bool IsExpression(string value) => value.StartsWith('[') && !value.StartsWith("[[") && value.EndsWith(']');

    public static object? Evaluate(string expression, ArmScope scope, int? copyIndex)
    {
        var parser = new ArmExpression(expression);
        var node = parser.ParseExpression();
        parser.SkipSpace();
        if (parser._pos != expression.Length) throw new FormatException($"Unexpected text at {parser._pos} in {expression}");
        return node.Evaluate(scope, copyIndex);
    }

    /// <summary>Evaluates a template value: objects and arrays member by member, "[...]" strings as expressions.</summary>
    public static object? EvaluateNode(JsonNode? node, ArmScope scope, int? copyIndex) => node switch
    {
        null => null,
        // Keys may be expressions too (userAssignedIdentities: { '[parameters(...)]': {} }).
        JsonObject obj => obj.ToDictionary(p => IsExpression(p.Key) ? Text(Evaluate(p.Key[1..^1], scope, copyIndex)) : p.Key,
            p => EvaluateNode(p.Value, scope, copyIndex), StringComparer.Ordinal),
        JsonArray array => array.Select(item => EvaluateNode(item, scope, copyIndex)).ToList(),
        JsonValue value when value.TryGetValue<string>(out var s) =>
            IsExpression(s) ? Evaluate(s[1..^1], scope, copyIndex) : s.StartsWith("[[") ? s[1..] : s,
        JsonValue value when value.TryGetValue<bool>(out var b) => b,
        JsonValue value when value.TryGetValue<long>(out var l) => l,
        JsonValue value when value.TryGetValue<int>(out var i) => (long)i,
        JsonValue value => value.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Renders a value as text, unknown parts as ⟨expression⟩.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        ArmUnknown u => u.ToString(),
        _ => System.Text.Json.JsonSerializer.Serialize(value),
    };

    // ---- parser ----

    private abstract record Node(string Source)
    {
        public abstract object? Evaluate(ArmScope scope, int? copyIndex);
    }

    private sealed record Literal(string Source, object? Value) : Node(Source)
    {
        public override object? Evaluate(ArmScope scope, int? copyIndex) => Value;
    }

    private sealed record Member(string Source, Node Target, string Name) : Node(Source)
    {
        public override object? Evaluate(ArmScope scope, int? copyIndex) => Target.Evaluate(scope, copyIndex) switch
        {
            Dictionary<string, object?> obj => obj.TryGetValue(Name, out var v) ? v
                : obj.FirstOrDefault(p => string.Equals(p.Key, Name, StringComparison.OrdinalIgnoreCase)).Value,
            _ => new ArmUnknown(Source),
        };
    }

    private sealed record Index(string Source, Node Target, Node Key) : Node(Source)
    {
        public override object? Evaluate(ArmScope scope, int? copyIndex)
        {
            var target = Target.Evaluate(scope, copyIndex);
            var key = Key.Evaluate(scope, copyIndex);
            return (target, key) switch
            {
                (List<object?> list, long i) when i >= 0 && i < list.Count => list[(int)i],
                (Dictionary<string, object?> obj, string k) when obj.TryGetValue(k, out var v) => v,
                _ => new ArmUnknown(Source),
            };
        }
    }

    private sealed record Call(string Source, string Name, IReadOnlyList<Node> Arguments) : Node(Source)
    {
        public override object? Evaluate(ArmScope scope, int? copyIndex)
        {
            var name = Name.ToLowerInvariant();
            if (name == "if")
            {
                // Only the chosen branch is evaluated, as in ARM.
                return Arguments[0].Evaluate(scope, copyIndex) switch
                {
                    bool c => Arguments[c ? 1 : 2].Evaluate(scope, copyIndex),
                    _ => new ArmUnknown(Source),
                };
            }

            var args = Arguments.Select(a => a.Evaluate(scope, copyIndex)).ToList();
            return ArmFunctions.Invoke(name, args, scope, copyIndex, Source);
        }
    }

    private Node ParseExpression()
    {
        SkipSpace();
        var start = _pos;
        Node node = Peek() switch
        {
            '\'' => new Literal("", ParseString()),
            var c when char.IsDigit(c) || c == '-' => new Literal("", ParseNumber()),
            _ => ParseCall(),
        };
        if (node is Literal literal) node = literal with { Source = _text[start.._pos] };

        while (true)
        {
            SkipSpace();
            if (Peek() == '.')
            {
                _pos++;
                var name = ParseIdentifier();
                node = new Member(_text[start.._pos], node, name);
            }
            else if (Peek() == '[')
            {
                _pos++;
                var key = ParseExpression();
                Expect(']');
                node = new Index(_text[start.._pos], node, key);
            }
            else
            {
                return node;
            }
        }
    }

    private Node ParseCall()
    {
        var start = _pos;
        var name = ParseIdentifier();
        Expect('(');
        var args = new List<Node>();
        SkipSpace();
        if (Peek() != ')')
        {
            while (true)
            {
                args.Add(ParseExpression());
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                break;
            }
        }

        Expect(')');
        return new Call(_text[start.._pos], name, args);
    }

    private string ParseString()
    {
        Expect('\'');
        var result = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new FormatException($"Unterminated string in {_text}");
            var c = _text[_pos++];
            if (c == '\'')
            {
                if (Peek() == '\'') { result.Append('\''); _pos++; continue; }
                return result.ToString();
            }

            result.Append(c);
        }
    }

    private long ParseNumber()
    {
        var start = _pos;
        if (Peek() == '-') _pos++;
        while (char.IsDigit(Peek())) _pos++;
        return long.Parse(_text[start.._pos], CultureInfo.InvariantCulture);
    }

    private string ParseIdentifier()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '$')) _pos++;
        if (start == _pos) throw new FormatException($"Identifier expected at {start} in {_text}");
        return _text[start.._pos];
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c) throw new FormatException($"'{c}' expected at {_pos} in {_text}");
        _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }
}

/// <summary>The pure template functions the evaluator knows; the rest are <see cref="ArmUnknown"/>.</summary>
internal static class ArmFunctions
{
    public static object? Invoke(string name, List<object?> args, ArmScope scope, int? copyIndex, string source)
    {
        switch (name)
        {
            case "parameters": return scope.Parameter((string)args[0]!);
            case "variables": return scope.Variable((string)args[0]!);
            case "copyindex":
                return copyIndex is { } i ? i + (args.Count > 0 && args[^1] is long offset ? offset : 0) : new ArmUnknown(source);
            case "true": return true;
            case "false": return false;
            case "null": return null;
            // The condition decides, even when the branch not taken depends on Azure.
            case "if": return args[0] is bool condition ? (condition ? args[1] : args[2]) : new ArmUnknown(source);
            case "createarray": return args.ToList();
            case "createobject":
                var created = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var k = 0; k + 1 < args.Count; k += 2)
                {
                    if (args[k] is not string key) return new ArmUnknown(source);
                    created[key] = args[k + 1];
                }

                return created;
        }

        if (args.Any(a => a is ArmUnknown) && name is not ("format" or "concat" or "union" or "subscriptionresourceid" or "resourceid" or "extensionresourceid" or "tenantresourceid"))
        {
            return new ArmUnknown(source);
        }

        switch (name)
        {
            case "format":
                var format = (string)args[0]!;
                return string.Format(CultureInfo.InvariantCulture, format, args.Skip(1).Select(ArmExpression.Text).ToArray<object>());
            case "concat":
                if (args.All(a => a is List<object?>)) return args.SelectMany(a => (List<object?>)a!).ToList();
                return string.Concat(args.Select(ArmExpression.Text));
            case "union":
                if (args.Any(a => a is ArmUnknown)) return new ArmUnknown(source);
                if (args.All(a => a is List<object?>)) return args.SelectMany(a => (List<object?>)a!).Distinct().ToList();
                var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var obj in args.Cast<Dictionary<string, object?>>())
                {
                    foreach (var (k, v) in obj) merged[k] = v;
                }

                return merged;
            case "tolower": return ((string)args[0]!).ToLowerInvariant();
            case "toupper": return ((string)args[0]!).ToUpperInvariant();
            case "string": return ArmExpression.Text(args[0]);
            case "bool": return args[0] is bool b ? b : bool.Parse((string)args[0]!);
            case "int": return args[0] is long l ? l : long.Parse((string)args[0]!, CultureInfo.InvariantCulture);
            case "not": return !(bool)args[0]!;
            case "and": return args.All(a => (bool)a!);
            case "or": return args.Any(a => (bool)a!);
            case "equals": return Equals(args[0], args[1]);
            case "empty":
                return args[0] switch
                {
                    null => true,
                    string s => s.Length == 0,
                    List<object?> list => list.Count == 0,
                    Dictionary<string, object?> obj => obj.Count == 0,
                    _ => false,
                };
            case "length":
                return args[0] switch
                {
                    string s => (long)s.Length,
                    List<object?> list => (long)list.Count,
                    Dictionary<string, object?> obj => (long)obj.Count,
                    _ => new ArmUnknown(source),
                };
            case "join": return string.Join((string)args[1]!, ((List<object?>)args[0]!).Select(ArmExpression.Text));
            case "replace": return ((string)args[0]!).Replace((string)args[1]!, (string)args[2]!, StringComparison.Ordinal);
            case "take":
                var count = (int)(long)args[1]!;
                return args[0] switch
                {
                    string s => s[..Math.Min(count, s.Length)],
                    List<object?> list => list.Take(count).ToList(),
                    _ => new ArmUnknown(source),
                };
            case "subscriptionresourceid":
                return "/subscriptions/⟨subscription⟩/providers/" + TypeAndNames(args);
            case "resourceid":
                return "/subscriptions/⟨subscription⟩/resourceGroups/⟨resourceGroup⟩/providers/" + TypeAndNames(args);
            case "extensionresourceid":
                return ArmExpression.Text(args[0]) + "/providers/" + TypeAndNames(args.Skip(1).ToList());
            default:
                return new ArmUnknown(source);
        }
    }

    // resourceId('Microsoft.Web/sites/config', 'app', 'appsettings') -> Microsoft.Web/sites/app/config/appsettings
    private static string TypeAndNames(List<object?> args)
    {
        var segments = ArmExpression.Text(args[0]).Split('/');
        var names = args.Skip(1).Select(ArmExpression.Text).ToArray();
        var result = new StringBuilder(segments[0]);
        for (var i = 1; i < segments.Length; i++)
        {
            result.Append('/').Append(segments[i]);
            if (i - 1 < names.Length) result.Append('/').Append(names[i - 1]);
        }

        return result.ToString();
    }
}

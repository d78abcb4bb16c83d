using System.Text;
using System.Text.Json.Nodes;

namespace ForumCloud.Tests.Resilience;

/// <summary>A write endpoint and a valid request for it, from which the corpus derives bad ones.</summary>
/// <param name="Path">A path with valid, existing ids (relative to the base URL, e.g. "api/events/x/registrations").</param>
/// <param name="RouteIds">The path's id segments that may be replaced by key-breaking values.</param>
/// <param name="Optional">JSON paths of fields that may be null or absent.</param>
public sealed record WriteEndpoint(
    string Name,
    HttpMethod Method,
    string Path,
    JsonObject ValidBody,
    IReadOnlyList<string> RouteIds,
    IReadOnlySet<string> Optional,
    IReadOnlyDictionary<string, string>? Headers = null);

public sealed record BadRequestCase(string Endpoint, string Kind, HttpMethod Method, string Path, string? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public override string ToString() => $"{Endpoint}: {Kind}";
}

/// <summary>
/// Derives bad requests from a valid one: broken JSON, wrong types, nulls, huge values, deep nesting,
/// Unicode edge cases, key-breaking ids, wrong content types, oversized bodies, duplicate keys.
/// Every case is invalid by construction (the valid request itself is never among them).
/// </summary>
public static class BadInputCorpus
{
    public static readonly (string Name, string Json)[] UnicodeEdges =
    [
        ("rtl-override", "\"abc\\u202Eexe.txt\""),
        ("nul", "\"abc\\u0000def\""),
        ("lone-high-surrogate", "\"abc\\ud800def\""),
        ("lone-low-surrogate", "\"\\udfffabc\""),
        ("zero-width-only", "\"\\u200b\\u200b\""),
        ("combining-marks-only", "\"\\u0301\\u0308\\u0327\""),
        ("bell-control", "\"abc\\u0007\""),
    ];

    public static readonly string[] KeyBreakingIds =
    [
        "a%2Fb", "a%5Cb", "a%23b", "a%3Fb", "a'b", "a%22b", "..%2F..%2Fetc", "%E2%80%AEabc", "a%09b", "x" + new string('y', 300), "A-UPPER", "a%20b",
    ];

    public static IEnumerable<BadRequestCase> For(WriteEndpoint endpoint)
    {
        var valid = endpoint.ValidBody.ToJsonString();
        var headers = endpoint.Headers ?? new Dictionary<string, string>();
        BadRequestCase Case(string kind, string? body, string? contentType = "application/json", string? path = null) =>
            new(endpoint.Name, kind, endpoint.Method, path ?? endpoint.Path, body, contentType, headers);

        // Whole-body damage.
        yield return Case("empty body", "");
        yield return Case("truncated", valid[..(valid.Length / 2)]);
        yield return Case("not json", "registration please");
        yield return Case("array", "[" + valid + "]");
        yield return Case("null", "null");
        yield return Case("number", "42");
        yield return Case("trailing comma", valid[..^1] + ",}");
        yield return Case("comment", "/* hi */" + valid);
        yield return Case("deep nesting", new StringBuilder().Insert(0, "{\"a\":", 200).Append("1").Append('}', 200).ToString());
        yield return Case("unknown property", valid[..^1] + ",\"isAdmin\":true}");
        yield return Case("duplicate key", DuplicateFirstKey(endpoint.ValidBody));
        yield return Case("oversized", valid[..^1] + ",\"pad\":\"" + new string('x', 70 * 1024) + "\"}");
        yield return Case("text/plain", valid, "text/plain");
        yield return Case("form", valid, "application/x-www-form-urlencoded");
        yield return Case("no content type", valid, null);
        yield return Case("utf-16 charset", valid, "application/json; charset=utf-16");

        // Field by field.
        foreach (var (path, value) in Leaves(endpoint.ValidBody))
        {
            if (!endpoint.Optional.Contains(path)) yield return Case($"{path}: null", Replace(endpoint.ValidBody, path, null));
            if (!endpoint.Optional.Contains(path)) yield return Case($"{path}: missing", Remove(endpoint.ValidBody, path));
            yield return Case($"{path}: object", Replace(endpoint.ValidBody, path, new JsonObject { ["x"] = 1 }));
            if (value is JsonValue v && v.TryGetValue<string>(out _))
            {
                yield return Case($"{path}: number", Replace(endpoint.ValidBody, path, JsonValue.Create(12345)));
                yield return Case($"{path}: huge string", Replace(endpoint.ValidBody, path, JsonValue.Create(new string('a', 20_000))));
                foreach (var (name, json) in UnicodeEdges) yield return Case($"{path}: {name}", ReplaceRaw(endpoint.ValidBody, path, json));
            }
            else if (value is JsonValue n && (n.TryGetValue<int>(out _) || n.TryGetValue<decimal>(out _)))
            {
                yield return Case($"{path}: string", Replace(endpoint.ValidBody, path, JsonValue.Create("12")));
                yield return Case($"{path}: negative", Replace(endpoint.ValidBody, path, JsonValue.Create(-1)));
                yield return Case($"{path}: beyond double", ReplaceRaw(endpoint.ValidBody, path, "1e400"));
                yield return Case($"{path}: 20 digits", ReplaceRaw(endpoint.ValidBody, path, "12345678901234567890"));
            }
            else if (value is JsonArray)
            {
                yield return Case($"{path}: huge array", Replace(endpoint.ValidBody, path, new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)JsonValue.Create("v" + i)).ToArray())));
                yield return Case($"{path}: array of nulls", Replace(endpoint.ValidBody, path, new JsonArray(null, null)));
            }
        }

        // Ids in the route.
        foreach (var id in endpoint.RouteIds)
        {
            foreach (var bad in KeyBreakingIds) yield return Case($"route id {bad}", valid, path: endpoint.Path.Replace(id, bad));
        }
    }

    private static IEnumerable<(string Path, JsonNode? Value)> Leaves(JsonObject node, string prefix = "")
    {
        foreach (var (key, value) in node)
        {
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            if (value is JsonObject child)
            {
                yield return (path, value);
                foreach (var leaf in Leaves(child, path)) yield return leaf;
            }
            else
            {
                yield return (path, value);
            }
        }
    }

    private static string Replace(JsonObject body, string path, JsonNode? value)
    {
        var copy = (JsonObject)body.DeepClone();
        var (parent, key) = Locate(copy, path);
        parent[key] = value;
        return copy.ToJsonString();
    }

    private static string Remove(JsonObject body, string path)
    {
        var copy = (JsonObject)body.DeepClone();
        var (parent, key) = Locate(copy, path);
        parent.Remove(key);
        return copy.ToJsonString();
    }

    // Raw JSON text for values JsonNode cannot hold (lone surrogates, numbers beyond double).
    private static string ReplaceRaw(JsonObject body, string path, string rawJson)
    {
        const string marker = "\"__RAW_VALUE_MARKER__\"";
        return Replace(body, path, JsonValue.Create("__RAW_VALUE_MARKER__")).Replace(marker, rawJson);
    }

    private static (JsonObject Parent, string Key) Locate(JsonObject root, string path)
    {
        var parts = path.Split('.');
        var parent = root;
        foreach (var part in parts[..^1]) parent = (JsonObject)parent[part]!;
        return (parent, parts[^1]);
    }

    private static string DuplicateFirstKey(JsonObject body)
    {
        var json = body.ToJsonString();
        var first = body.First();
        return "{" + $"\"{first.Key}\":{first.Value?.ToJsonString() ?? "null"}," + json[1..];
    }
}

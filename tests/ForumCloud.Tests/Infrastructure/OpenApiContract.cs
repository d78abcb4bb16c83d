using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ForumCloud.Functions.Platform;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// openapi.yaml as a contract for answers: finds the documented response for a method, a path under
/// `/api` and a status, and validates a JSON body against its schema with JsonSchema.Net (the document's
/// `$ref`s resolve inside the document itself). A problem answer that names a .NET type is reported too.
/// </summary>
public static partial class OpenApiContract
{
    private static readonly Uri DocumentUri = new("https://forumcloud.invalid/openapi.json");
    private static readonly Lazy<(JsonElement Root, BuildOptions Options, List<(Regex Pattern, int Parameters, string Path)> Paths)> Document = new(Load);
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>What is wrong with this answer according to the document; null when it conforms (or the path is not the API's).</summary>
    public static string? Check(string method, string apiPath, int status, string? mediaType, string body)
    {
        var (root, _, paths) = Document.Value;
        var match = paths.Where(p => p.Pattern.IsMatch(apiPath)).OrderBy(p => p.Parameters).Select(p => p.Path).FirstOrDefault();
        if (match is null) return null; // not the app's API (test functions); OpenApiParityTests holds the app's routes to the document
        var pathPointer = "/paths/" + Escape(match);
        if (!root.GetProperty("paths").GetProperty(match).TryGetProperty(method.ToLowerInvariant(), out var operation)) return $"{method} {match}: not documented";

        var code = status.ToString(CultureInfo.InvariantCulture);
        var responses = operation.GetProperty("responses");
        var key = new[] { code, code[0] + "XX", "default" }.FirstOrDefault(k => responses.TryGetProperty(k, out _));
        if (key is null) return $"{method} {match}: status {status} is not documented";
        var response = Resolve(root, responses.GetProperty(key), out var responsePointer);
        responsePointer ??= $"{pathPointer}/{method.ToLowerInvariant()}/responses/{Escape(key)}";

        if (string.IsNullOrEmpty(body)) return null;
        if (mediaType == "application/problem+json" && DotNetName().Match(body) is { Success: true } leak) return $"{method} {match} {status}: the problem names a .NET type ({leak.Value}): {Truncate(body)}";
        if (!response.TryGetProperty("content", out var content)) return $"{method} {match} {status}: a body ({mediaType}) where the document declares none";
        if (mediaType is null || !content.TryGetProperty(mediaType, out var media)) return $"{method} {match} {status}: content type {mediaType} is not documented";
        if (!mediaType.EndsWith("json", StringComparison.Ordinal) || !media.TryGetProperty("schema", out var schemaElement)) return null;
        if (Timestamp().Matches(body).FirstOrDefault(t => !OneTimestampStyle().IsMatch(t.Value)) is { } odd) return $"{method} {match} {status}: timestamp {odd.Value} is not in the API's one style (ISO 8601, seconds or milliseconds, with an offset)";

        var schema = Schemas.GetOrAdd($"{responsePointer}/content/{Escape(mediaType)}/schema", _ => Build(schemaElement));
        using var instance = JsonDocument.Parse(body);
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return null;
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5);
        return $"{method} {match} {status} ({mediaType}) does not match its schema: {string.Join("; ", errors)}; body: {Truncate(body)}";
    }

    /// <summary>A response schema as a schema of its own; its `$ref`s were made absolute, so they resolve in the registered document.</summary>
    private static JsonSchema Build(JsonElement schema) =>
        JsonSchema.Build(schema, Document.Value.Options, new Uri($"https://forumcloud.invalid/responses/{Guid.NewGuid():N}"));

    /// <summary>A response given as `$ref: '#/components/responses/X'` is read there (its pointer is then that of the component).</summary>
    private static JsonElement Resolve(JsonElement root, JsonElement response, out string? pointer)
    {
        pointer = null;
        if (!response.TryGetProperty("$ref", out var reference)) return response;
        pointer = reference.GetString()![(reference.GetString()!.IndexOf('#') + 1)..];
        var node = root;
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)) node = node.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
        return node;
    }

    private static (JsonElement, BuildOptions, List<(Regex, int, string)>) Load()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(OpenApiDocument.Yaml));
        var root = JsonSerializer.SerializeToElement(ToJson(yaml.Documents[0].RootNode));
        var options = new BuildOptions();
        options.SchemaRegistry.Register(DocumentUri, new JsonElementBaseDocument(root, DocumentUri));
        var paths = root.GetProperty("paths").EnumerateObject().Select(p => (
            new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", "[^/]+") + "$"),
            Regex.Count(p.Name, @"\{"),
            p.Name)).ToList();
        return (root, options, paths);
    }

    /// <summary>YAML to JSON with YAML's core schema: plain true/false/null/numbers are typed, quoted scalars stay strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, AbsoluteRef(((YamlScalarNode)c.Key).Value!, ToJson(c.Value))))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string? value) => value switch
    {
        null or "null" or "~" or "" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };

    private static JsonNode? AbsoluteRef(string key, JsonNode? value) =>
        key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith('#') ? JsonValue.Create(DocumentUri + reference) : value;

    [GeneratedRegex(@"""\d{4}-\d\d-\d\dT[^""]*""")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"^""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?[+-]\d\d:\d\d""$")]
    private static partial Regex OneTimestampStyle();

    [GeneratedRegex(@"\b(ForumCloud|System|Microsoft|Azure)\.[A-Z][A-Za-z]+")]
    private static partial Regex DotNetName();

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

    private static string Truncate(string body) => body.Length <= 300 ? body : body[..300] + "…";
}

/// <summary>
/// Checks every answer a test receives from the API against openapi.yaml (<see cref="OpenApiContract"/>)
/// and fails the request with the difference, so a test written by anyone is also a contract test.
/// </summary>
public sealed class OpenApiResponseCheck(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal)) return response;

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = OpenApiContract.Check(request.Method.Method, path["/api".Length..], (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        if (problem is not null) throw new OpenApiViolationException(problem);

        return response;
    }
}

public sealed class OpenApiViolationException(string message) : Exception("The answer differs from openapi.yaml: " + message);

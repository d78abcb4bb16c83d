using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Reads a JSON request body: 415 for another media type, 413 past 64 KiB, 400 for JSON that does not parse or does
/// not fit the request. A <see cref="PartlyReadable"/> body is read in part past fields that do not fit, so that its
/// validation can report them beside the other fields' problems.
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>How many fields a body may have wrong before the reader stops leaving them out (each costs a re-read).</summary>
    private const int MaxUnreadableFields = 32;

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        EnsureJsonMediaType(request);
        var bytes = await ReadLimitedAsync(request, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ApiJson.Options)
                ?? throw ProblemException.BadRequest("The request body must be a JSON object, not null.");
        }
        catch (JsonException ex) when (typeof(T).IsAssignableTo(typeof(PartlyReadable)))
        {
            return ReadInPart<T>(bytes, ex);
        }
        catch (JsonException ex)
        {
            throw Unreadable(ex, typeof(T));
        }
    }

    /// <summary>
    /// Re-reads the body without each field the serializer stopped at, until the rest reads. Only a well-formed JSON
    /// object gets this far; anything else (and a field that cannot be left out) answers as a plain unreadable body,
    /// with the fields left out so far among its errors.
    /// </summary>
    private static T ReadInPart<T>(byte[] bytes, JsonException first)
        where T : class
    {
        if (Parse(bytes) is not JsonObject root) throw Unreadable(first, typeof(T));
        var unreadable = new Dictionary<string, string>(StringComparer.Ordinal);
        var problem = first;
        while (unreadable.Count < MaxUnreadableFields
               && FieldOf(problem) is { } field
               && !unreadable.ContainsKey(field)
               && LeaveOut(root, field))
        {
            unreadable[field] = Sentence(Reason(problem, typeof(T), field));
            try
            {
                var read = root.Deserialize<T>(ApiJson.Options)!;
                ((PartlyReadable)(object)read).Unreadable = unreadable;
                return read;
            }
            catch (JsonException next)
            {
                problem = next;
            }
        }

        var last = Unreadable(problem, typeof(T));
        var errors = unreadable.ToDictionary(e => e.Key, e => new[] { e.Value });
        foreach (var (key, value) in last.Errors ?? new Dictionary<string, string[]>()) errors.TryAdd(key, value);
        throw new ProblemException(last.Status, last.Title, last.Detail, errors);
    }

    private static JsonNode? Parse(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes, NodeOptions, DocumentOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Removes the property at a path (`attendees[1].name`), or nulls the array item it names; false when the path cannot be followed.</summary>
    private static bool LeaveOut(JsonObject root, string field)
    {
        if (field.Contains('\'') || field.Contains('"')) return false;
        var steps = Steps(field).ToList();
        JsonNode? parent = root;
        foreach (var step in steps[..^1])
        {
            parent = step switch
            {
                string name when parent is JsonObject o => o[name],
                int index when parent is JsonArray a && index >= 0 && index < a.Count => a[index],
                _ => null,
            };
            if (parent is null) return false;
        }

        switch (steps[^1])
        {
            case string name when parent is JsonObject o && o.ContainsKey(name):
                o.Remove(name);
                return true;
            case int index when parent is JsonArray a && index >= 0 && index < a.Count && a[index] is not null:
                a[index] = null;
                return true;
            default:
                return false;
        }
    }

    /// <summary>`contract.parties[0].name` → "contract", "parties", 0, "name".</summary>
    private static IEnumerable<object> Steps(string field)
    {
        foreach (var segment in field.Split('.'))
        {
            var bracket = segment.IndexOf('[');
            yield return bracket < 0 ? segment : segment[..bracket];
            if (bracket < 0) continue;
            foreach (var index in segment[(bracket + 1)..].TrimEnd(']').Split("]["))
            {
                yield return int.TryParse(index, out var i) ? i : -1;
            }
        }
    }

    private static void EnsureJsonMediaType(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ProblemException(415, "Unsupported media type.", "Send the body as application/json.");
        }

        if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(415, "Unsupported media type.", "JSON bodies must be UTF-8.");
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes) throw TooLarge();

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0) throw ProblemException.BadRequest("The request body is empty; a JSON object is expected.");
        return buffer.ToArray();
    }

    private static ProblemException TooLarge() =>
        new(413, "The request body is too large.", $"Request bodies are limited to {MaxBytes / 1024} KiB.");

    /// <summary>
    /// The reader's problem as the client's words: the field (as a JSON path, also in `errors`), the line, and
    /// what was expected, never a .NET type or namespace and never the offending content.
    /// </summary>
    private static ProblemException Unreadable(JsonException ex, Type target)
    {
        var field = FieldOf(ex);
        var reason = Reason(ex, target, field);
        var detail = $"The JSON could not be read{(field is null ? "" : $" at '{field}'")} (line {ex.LineNumber + 1}): {reason}.";
        var errors = field is null ? null : new Dictionary<string, string[]> { [field] = [Sentence(reason)] };
        return new ProblemException(400, "The request body is not valid JSON for this operation.", detail, errors);
    }

    /// <summary>
    /// The field a reader problem is at, as the API's JSON path (`contract.number`), or null for the body as a whole.
    /// Names are read case-insensitively, so the path is put in the API's camelCase: a client's `Name` is reported as
    /// `name`, the key its validation uses.
    /// </summary>
    private static string? FieldOf(JsonException ex)
    {
        if (string.IsNullOrEmpty(ex.Path) || ex.Path == "$") return null;
        var path = ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path.TrimStart('$');
        return string.Join('.', path.Split('.').Select(ApiName));
    }

    /// <summary>`Parties[0]` → `parties[0]`; a bracketed segment (`['odd name']`) is left as it is.</summary>
    private static string ApiName(string segment)
    {
        var bracket = segment.IndexOf('[');
        if (bracket == 0) return segment;
        return bracket < 0 ? JsonNamingPolicy.CamelCase.ConvertName(segment) : JsonNamingPolicy.CamelCase.ConvertName(segment[..bracket]) + segment[bracket..];
    }

    private static string Sentence(string reason) => char.ToUpperInvariant(reason[0]) + reason[1..] + ".";

    private static string Reason(JsonException ex, Type target, string? field)
    {
        var message = ex.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal)) return "this property is not part of the request";
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return "this property appears more than once";
        if (message.Contains("maximum configured depth", StringComparison.Ordinal)) return "the JSON is nested too deeply";
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && TypeAt(target, field) is { } expected) return "expected " + Describe(expected);
        if (ex.InnerException is InvalidOperationException or FormatException or OverflowException) return "a value has the wrong type or format";
        return "this is not well-formed JSON";
    }

    /// <summary>The type a JSON path (`contract.parties[0].name`) binds to, from the request type's properties.</summary>
    private static Type? TypeAt(Type root, string? path)
    {
        var type = root;
        foreach (var segment in (path ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null) return null;
            type = property.PropertyType;
            for (var i = segment.Count(c => c == '['); i > 0; i--) type = ElementOf(Nullable.GetUnderlyingType(type) ?? type) ?? type;
        }

        return type;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1]
        : null;

    /// <summary>What a .NET type means in JSON terms; an enum names its allowed values.</summary>
    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return "one of " + string.Join(", ", System.Enum.GetNames(type).Select(JsonNamingPolicy.KebabCaseLower.ConvertName));
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly)) return "a date as an ISO 8601 string";
        if (type.IsPrimitive || type == typeof(decimal)) return "a number";
        if (ElementOf(type) is not null) return "an array";
        return "an object";
    }
}

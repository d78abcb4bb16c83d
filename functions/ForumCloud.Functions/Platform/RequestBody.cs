using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ForumCloud.Functions.Platform;

/// <summary>Reads a JSON request body: 415 for another media type, 413 past 64 KiB, 400 for JSON that does not parse.</summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

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
        catch (JsonException ex)
        {
            throw Unreadable(ex, typeof(T));
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
        var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? null : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path.TrimStart('$');
        var reason = Reason(ex, target, field);
        var detail = $"The JSON could not be read{(field is null ? "" : $" at '{field}'")} (line {ex.LineNumber + 1}): {reason}.";
        var errors = field is null ? null : new Dictionary<string, string[]> { [field] = [char.ToUpperInvariant(reason[0]) + reason[1..] + "."] };
        return new ProblemException(400, "The request body is not valid JSON for this operation.", detail, errors);
    }

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

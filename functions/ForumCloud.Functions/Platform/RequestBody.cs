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
            throw new ProblemException(400, "The request body is not valid JSON for this operation.", Describe(ex));
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

    // The message names the JSON path and position, never echoes the offending content back.
    private static string Describe(JsonException ex)
    {
        var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at '{ex.Path}'";
        var reason = ex.InnerException is InvalidOperationException or FormatException ? "a value has the wrong type or format" : FirstSentence(ex.Message);
        return $"The JSON could not be read{where} (line {ex.LineNumber + 1}): {reason}.";
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var sentence = end > 0 ? message[..end] : message.TrimEnd('.');
        return sentence.Length > 200 ? sentence[..200] : sentence;
    }
}

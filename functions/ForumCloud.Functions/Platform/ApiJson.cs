using System.Text.Json;
using System.Text.Json.Serialization;

namespace ForumCloud.Functions.Platform;

/// <summary>The one JSON dialect of the API: camelCase, enums as kebab-case strings, one timestamp style (<see cref="ApiTimestamps"/>), strict on input.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // A partner's client that misspells a field gets told so, rather than having it dropped.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            MaxDepth = 16,
            NumberHandling = JsonNumberHandling.Strict,
            // Chinese names and titles stay readable in answers; HTML-significant characters are still escaped.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.Converters.Add(new ApiTimestamps());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

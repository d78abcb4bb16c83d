using System.Text.Json;
using System.Text.Json.Serialization;

namespace ForumCloud.Functions.Platform;

/// <summary>The one JSON dialect of the API: camelCase, enums as kebab-case strings, one timestamp style (<see cref="ApiTimestamps"/>), strict on input.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The dialect applied to options the framework owns (MVC's output formatter).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // A partner's client that misspells a field gets told so, rather than having it dropped.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.MaxDepth = 16;
        options.NumberHandling = JsonNumberHandling.Strict;
        // Chinese names and titles stay readable in answers; HTML-significant characters are still escaped.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.Converters.Add(new ApiTimestamps());
    }
}

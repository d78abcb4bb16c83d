using System.Text.Encodings.Web;
using System.Text.Json;

namespace ForumCloud.Bot.Cli;

internal static class CliJson
{
    // camelCase as the /api/ask contract; Chinese printed as is, not \u-escaped.
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The one timestamp style of the API: ISO 8601 with its offset (event times in Beijing time, +08:00; instants the app
/// records in UTC, +00:00), to the second, with milliseconds only when there are any: never the storage's seven-digit
/// ticks. Input accepts any ISO 8601 date-time with an offset.
/// </summary>
public sealed class ApiTimestamps : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    // Raw, because the API's encoder would escape the offset's '+' as \u002B; the text is only digits and ISO punctuation.
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteRawValue('"' + Format(value) + '"', skipInputValidation: true);

    public static string Format(DateTimeOffset value)
    {
        var milliseconds = new DateTimeOffset(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, value.Offset);
        return milliseconds.ToString(milliseconds.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
    }
}

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
    // Formatted into a stack buffer: a list answer writes many timestamps and this runs on every one of them.
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[40];
        buffer[0] = '"';
        var trimmed = Trim(value);
        trimmed.TryFormat(buffer[1..], out var written, FormatOf(trimmed), CultureInfo.InvariantCulture);
        buffer[written + 1] = '"';
        writer.WriteRawValue(buffer[..(written + 2)], skipInputValidation: true);
    }

    private static DateTimeOffset Trim(DateTimeOffset value) => new(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, value.Offset);

    private static string FormatOf(DateTimeOffset trimmed) => trimmed.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.fffzzz";
}

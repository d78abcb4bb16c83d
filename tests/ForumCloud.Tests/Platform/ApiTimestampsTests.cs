using System.Text.Json;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Platform;

public sealed class ApiTimestampsTests
{
    [Theory]
    [InlineData(0L, "+08:00", "2026-05-27T09:30:00+08:00")]                    // an event time: whole seconds, Beijing offset
    [InlineData(1234567L, "+00:00", "2026-05-27T09:30:00.123+00:00")]          // a recorded instant: storage ticks cut to milliseconds
    [InlineData(9999L, "+00:00", "2026-05-27T09:30:00+00:00")]                 // under a millisecond: no fraction at all
    public void Timestamps_are_written_to_the_millisecond_with_their_offset(long extraTicks, string offset, string expected)
    {
        var value = new DateTimeOffset(2026, 5, 27, 9, 30, 0, TimeSpan.Parse(offset.TrimStart('+'))).AddTicks(extraTicks);
        Assert.Equal($"\"{expected}\"", JsonSerializer.Serialize(value, ApiJson.Options));
    }

    [Fact]
    public void Any_ISO_8601_date_time_with_an_offset_is_read()
    {
        var read = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-05-27T09:30:00.1234567+08:00\"", ApiJson.Options);
        Assert.Equal(new DateTimeOffset(2026, 5, 27, 1, 30, 0, TimeSpan.Zero).AddTicks(1234567), read);
        Assert.Equal(TimeSpan.FromHours(8), read.Offset);
    }

    [Fact]
    public void Nullable_timestamps_use_the_same_style()
    {
        DateTimeOffset? value = new DateTimeOffset(2026, 5, 27, 9, 30, 0, 500, TimeSpan.Zero).AddTicks(42);
        Assert.Equal("\"2026-05-27T09:30:00.500+00:00\"", JsonSerializer.Serialize(value, ApiJson.Options));
        Assert.Equal("null", JsonSerializer.Serialize((DateTimeOffset?)null, ApiJson.Options));
    }
}

using CityBrain.Hub.Sinks;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class InfluxPartialWriteTests
{
    [Theory]
    [InlineData("{\"error\":\"partial write: field type conflict: input field \\\"value\\\" on measurement \\\"q\\\" is type float, already exists as type integer dropped=2\"}", InfluxPartialWrite.FieldTypeConflict, 2)]
    [InlineData("{\"error\":\"partial write: points beyond retention policy dropped=17\"}", InfluxPartialWrite.BeyondRetention, 17)]
    [InlineData("{\"error\":\"partial write: unable to parse 'x y': invalid field format dropped=0\"}", InfluxPartialWrite.Unparseable, 0)]
    [InlineData("{\"error\":\"unable to parse 'x y': invalid field format\"}", InfluxPartialWrite.Unparseable, null)]
    [InlineData("{\"code\":\"invalid\",\"message\":\"no dropped count here\"}", InfluxPartialWrite.Refused, null)]
    [InlineData(null, InfluxPartialWrite.Refused, null)]
    public void Parse_ReadsTheKindAndTheDroppedCount(string? body, string kind, int? dropped) =>
        Assert.Equal((kind, dropped), InfluxPartialWrite.Parse(body));
}

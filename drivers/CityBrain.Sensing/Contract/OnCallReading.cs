using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>One reading in an on-call answer: as the driver read it, before the sensor's processors.</summary>
public sealed record OnCallReading(
    [property: JsonPropertyName("quantity")] string Quantity,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("ts")] long Timestamp,
    [property: JsonPropertyName("quality")] string Quality)
{
    public static OnCallReading From(in Reading reading) =>
        new(reading.Quantity, reading.Value, reading.Unit, reading.TimestampMs, reading.Quality.ToWire());
}

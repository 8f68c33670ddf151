using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>The last fault of a sensor, as reported in health.</summary>
public sealed record FaultInfo(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("ts")] long Timestamp);

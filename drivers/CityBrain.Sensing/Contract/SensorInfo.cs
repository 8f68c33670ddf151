using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>A sensor as announced in the node's status: id, driver kind, poll interval and channels.</summary>
public sealed record SensorInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("driver")] string Driver,
    [property: JsonPropertyName("intervalMs")] long IntervalMs,
    [property: JsonPropertyName("quantities")] IReadOnlyList<QuantityEntry> Quantities);

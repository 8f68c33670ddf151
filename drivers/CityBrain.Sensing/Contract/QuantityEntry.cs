using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>One channel of a sensor in the status message.</summary>
public sealed record QuantityEntry(
    [property: JsonPropertyName("quantity")] string Quantity,
    [property: JsonPropertyName("unit")] string Unit);

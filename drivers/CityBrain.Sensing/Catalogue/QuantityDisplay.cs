using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Catalogue;

/// <summary>How a quantity is shown: decimals, the symbol after the value (null: the unit) and, for a state, its two words.</summary>
public sealed record QuantityDisplay
{
    [JsonPropertyName("decimals")]
    public required int Decimals { get; init; }

    /// <summary>Shown instead of the wire unit (<c>°C</c> for <c>degC</c>); empty for none; null: the unit itself.</summary>
    [JsonPropertyName("symbol")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Symbol { get; init; }

    /// <summary>State quantities: the words for 0 and 1 (lid_open: closed, open).</summary>
    [JsonPropertyName("words")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Words { get; init; }
}

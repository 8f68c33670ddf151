using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Catalogue;

/// <summary>
/// A suffix the edge's processors append to a catalogued quantity (<c>pm2_5_mean</c>, <c>water_level_rate</c>): the
/// result needs no entry of its own. <see cref="Unit"/> is a pattern over the base unit: <c>{unit}</c>, <c>count</c>,
/// or alternatives separated by <c>|</c> (<c>{unit}/s|{unit}/min|{unit}/h</c>).
/// </summary>
public sealed record DerivedSuffix
{
    [JsonPropertyName("suffix")]
    public required string Suffix { get; init; }

    [JsonPropertyName("unit")]
    public required string Unit { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }

    /// <summary>True when <paramref name="unit"/> is one this suffix gives for a base quantity in <paramref name="baseUnit"/>.</summary>
    public bool Allows(string unit, string baseUnit) => UnitsFor(baseUnit).Contains(unit, StringComparer.Ordinal);

    /// <summary>The unit alternatives of the pattern for <paramref name="baseUnit"/>, e.g. <c>m/s, m/min, m/h</c>.</summary>
    public IEnumerable<string> UnitsFor(string baseUnit) =>
        Unit.Split('|').Select(u => u.Replace("{unit}", baseUnit, StringComparison.Ordinal));
}

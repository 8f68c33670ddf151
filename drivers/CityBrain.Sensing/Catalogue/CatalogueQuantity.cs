using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Catalogue;

/// <summary>
/// One quantity of the catalogue (<c>firmware-config/catalogue/quantities.json</c>): its name and the one unit it is
/// published in, its domain, kind, who may see it, its physical range and how to show it.
/// </summary>
public sealed record CatalogueQuantity
{
    /// <summary>snake_case; the telemetry's <c>quantity</c> and the database measurement.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The one unit symbol on the wire (printable ASCII: <c>degC</c>, <c>ug/m3</c>).</summary>
    [JsonPropertyName("unit")]
    public required string Unit { get; init; }

    /// <summary>traffic, sanitation, environment, water, energy, lighting or infrastructure.</summary>
    [JsonPropertyName("domain")]
    public required string Domain { get; init; }

    /// <summary>gauge, delta (an amount per poll interval), total (cumulative counter) or state (0/1).</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>public, internal or restricted.</summary>
    [JsonPropertyName("classification")]
    public required string Classification { get; init; }

    /// <summary>Physical lower bound.</summary>
    [JsonPropertyName("min")]
    public required double Min { get; init; }

    /// <summary>Physical upper bound.</summary>
    [JsonPropertyName("max")]
    public required double Max { get; init; }

    [JsonPropertyName("display")]
    public required QuantityDisplay Display { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }

    /// <summary>Former or common names, for "did you mean" only; never valid on the wire.</summary>
    [JsonPropertyName("aliases")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    // `set`, not `init`: the source generator drops the default of a missing `init` property of a type with
    // required members (dotnet/runtime#84484).
    public IReadOnlyList<string> Aliases { get; set; } = [];

    /// <summary>True for a 0/1 state (unit <c>bool</c>) shown as <see cref="QuantityDisplay.Words"/>.</summary>
    [JsonIgnore]
    public bool IsState => Kind == CatalogueKinds.State;

    /// <summary>True when <paramref name="value"/> lies within the physical range.</summary>
    public bool IsPhysical(double value) => value >= Min && value <= Max;

    /// <summary>The value as a person should read it: the state's word, or the value rounded to the display decimals with its symbol.</summary>
    public string Format(double value)
    {
        if (IsState && Display.Words is [var off, var on])
        {
            return value == 0 ? off : value == 1 ? on : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Rounds the exact binary value, as the page's toFixed does; they differ only on exact ties (.NET: to even,
        // 48.5 -> 48; toFixed: up, 49). Math.Round(value, d, AwayFromZero) disagreed more often (17.15 -> 17.2, the page 17.1).
        string number = value.ToString("F" + Display.Decimals.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        string symbol = Display.Symbol ?? Unit;
        return symbol.Length == 0 ? number : $"{number} {symbol}";
    }
}

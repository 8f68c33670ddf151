namespace CityBrain.Hub.Health;

/// <summary>The last value of one quantity of a sensor, with the last hour as sparkline points (oldest first).</summary>
public sealed record QuantityView(
    string Quantity,
    string Unit,
    double Value,
    string Quality,
    DateTimeOffset Timestamp,
    IReadOnlyList<SparkPoint> Spark)
{
    /// <summary>
    /// Null when the quantity and unit are catalogued; else <see cref="UncataloguedReasons.UnknownQuantity"/> or
    /// <see cref="UncataloguedReasons.UnitMismatch"/> (the readings are stored all the same, and counted).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Catalogue { get; init; }

    /// <summary>With <see cref="UncataloguedReasons.UnitMismatch"/>: the unit the catalogue publishes the quantity in.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CatalogueUnit { get; init; }
}

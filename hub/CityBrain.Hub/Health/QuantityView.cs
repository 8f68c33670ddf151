namespace CityBrain.Hub.Health;

/// <summary>The last value of one quantity of a sensor, with the last hour as sparkline points (oldest first).</summary>
public sealed record QuantityView(
    string Quantity,
    string Unit,
    double Value,
    string Quality,
    DateTimeOffset Timestamp,
    IReadOnlyList<SparkPoint> Spark);

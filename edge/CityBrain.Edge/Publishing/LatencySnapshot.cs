namespace CityBrain.Edge.Publishing;

/// <summary>Latency percentiles over one reporting interval.</summary>
public readonly record struct LatencySnapshot(long Count, double P50Ms, double P99Ms);

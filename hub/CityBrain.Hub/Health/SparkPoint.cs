namespace CityBrain.Hub.Health;

/// <summary>One sparkline point: the start of its bucket (Unix ms) and the mean of the readings in it.</summary>
public sealed record SparkPoint(long T, double V);

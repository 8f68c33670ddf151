namespace CityBrain.Edge.Runners;

/// <summary>When and how long a sensor is polled.</summary>
public sealed record SensorSchedule(TimeSpan Interval, TimeSpan Jitter, TimeSpan Timeout);

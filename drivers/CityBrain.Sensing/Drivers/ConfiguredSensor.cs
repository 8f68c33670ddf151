namespace CityBrain.Sensing.Drivers;

/// <summary>A sensor entry that passed its driver's checks: the common fields and the driver's typed options.</summary>
public sealed record ConfiguredSensor(SensorSpec Spec, object Options);

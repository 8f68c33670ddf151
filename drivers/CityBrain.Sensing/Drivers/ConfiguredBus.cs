namespace CityBrain.Sensing.Drivers;

/// <summary>A bus entry that passed its kind's checks: the common fields and the kind's typed options.</summary>
public sealed record ConfiguredBus(BusSpec Spec, object Options);

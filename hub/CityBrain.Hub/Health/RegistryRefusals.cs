namespace CityBrain.Hub.Health;

/// <summary>
/// Why the registry does not track a sensor or quantity (its readings are still stored): the reason in a node's view
/// (<see cref="NodeView.RefusedReason"/>) and the <c>reason</c> tag of <c>citybrain.hub.registry.refused</c>.
/// </summary>
public static class RegistryRefusals
{
    /// <summary>The node has <see cref="HealthRegistryOptions.MaxSensorsPerNode"/> sensors, or the sensor that many quantities.</summary>
    public const string SensorLimit = "sensor_limit";

    /// <summary>The node holds <see cref="HealthRegistryOptions.MaxQuantitiesPerNode"/> sensor-quantities.</summary>
    public const string NodeLimit = "node_limit";

    /// <summary>The registry holds <see cref="HealthRegistryOptions.MaxQuantities"/> sensor-quantities in all.</summary>
    public const string RegistryFull = "registry_full";
}

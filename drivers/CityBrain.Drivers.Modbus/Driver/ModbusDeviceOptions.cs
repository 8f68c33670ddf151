namespace CityBrain.Drivers.Modbus;

/// <summary>
/// One Modbus sensor of the node configuration (<c>{"id": "weather-1", "driver": "modbus", "bus": "rs485-1",
/// "unit": 3, "template": "weather-station-ws100", "intervalMs": 5000, "points": ["air_temperature"]}</c>).
/// </summary>
public sealed record ModbusDeviceOptions
{
    public required string SensorId { get; init; }

    public required string BusId { get; init; }

    /// <summary>Unit id on the bus; null = the template's default.</summary>
    public byte? UnitId { get; init; }

    /// <summary>Template name (file name without <c>.json</c> in the templates folder).</summary>
    public required string Template { get; init; }

    /// <summary>Points to read; null or empty = every measurement point of the template.</summary>
    public IReadOnlyList<string>? Points { get; init; }

    /// <summary>How often the runner polls (the runner owns scheduling; kept here for the config mapping).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public PlannerOptions Planner { get; init; } = PlannerOptions.Default;
}

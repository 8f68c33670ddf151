namespace CityBrain.Drivers.Modbus;

/// <summary>
/// A Modbus sensor's fields in the node configuration (<c>{"driver": "modbus", "bus": "rs485-1", "unit": 3,
/// "template": "weather-station-ws100", "points": ["air_temperature"]}</c>).
/// </summary>
public sealed record ModbusSensorFields
{
    /// <summary>The id of a <c>modbus-tcp</c> or <c>modbus-rtu</c> bus.</summary>
    public string Bus { get; set; } = "";

    /// <summary>Unit (slave) id; null = the template's default.</summary>
    public int? Unit { get; set; }

    /// <summary>Device template name (firmware-config/templates/NAME.json).</summary>
    public string Template { get; set; } = "";

    /// <summary>Template points to read; null = every measurement point.</summary>
    public IReadOnlyList<string>? Points { get; set; }
}

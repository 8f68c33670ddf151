namespace CityBrain.Drivers.Serial;

/// <summary>A <c>pm-serial</c> sensor's fields (<c>{"driver": "pm-serial", "format": "sds011", "port": "/dev/ttyUSB0"}</c>).</summary>
public sealed record PmSerialSensorFields
{
    /// <summary><c>sds011</c> or <c>pms5003</c>.</summary>
    public string Format { get; set; } = "";

    /// <summary>The serial device.</summary>
    public string Port { get; set; } = "";

    public int Baud { get; set; } = 9600;

    /// <summary>How long a read, and a poll waiting for a fresh frame, may take.</summary>
    public int ReadTimeoutMs { get; set; } = 3000;
}

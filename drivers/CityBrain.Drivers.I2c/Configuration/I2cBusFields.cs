namespace CityBrain.Drivers.I2c;

/// <summary>An <c>i2c</c> bus: one Linux I2C adapter (<c>{"id": "i2c-1", "kind": "i2c", "busNumber": 1}</c> is /dev/i2c-1).</summary>
public sealed record I2cBusFields
{
    /// <summary>The adapter number: <c>/dev/i2c-N</c>.</summary>
    public int BusNumber { get; set; } = -1;

    /// <summary>How long a sensor waits for the bus while another transfer holds it, in milliseconds.</summary>
    public int LockTimeoutMs { get; set; } = 1000;
}

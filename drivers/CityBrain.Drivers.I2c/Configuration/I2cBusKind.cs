using CityBrain.Sensing.Drivers;

namespace CityBrain.Drivers.I2c;

/// <summary>The <c>i2c</c> bus kind: one Linux I2C adapter shared by every chip wired to it, one transfer at a time.</summary>
public sealed class I2cBusKind() : BusKindDefinition<I2cBusFields>(
    "i2c",
    "one I2C adapter (/dev/i2c-N); its chips take turns",
    """
    {
      "required": ["busNumber"],
      "properties": {
        "busNumber": { "type": "integer", "minimum": 0, "maximum": 255, "description": "the adapter number N of /dev/i2c-N (1 on a Raspberry Pi's header pins 3/5)" },
        "lockTimeoutMs": { "type": "integer", "minimum": 10, "maximum": 60000, "description": "how long a sensor waits for the bus while another chip's transfer holds it (default 1000)" }
      }
    }
    """,
    I2cConfigJsonContext.Default.I2cBusFields)
{
    protected override I2cBusFields Check(I2cBusFields options, BusSpec spec, DriverConfigContext context)
    {
        if (options.BusNumber is < 0 or > 255)
        {
            context.Error(spec.Path + "/busNumber", options.BusNumber, "no such I2C adapter number", "use N of /dev/i2c-N (0..255); `ls /dev/i2c-*` lists them");
        }

        if (options.LockTimeoutMs is < 10 or > 60000)
        {
            context.Error(spec.Path + "/lockTimeoutMs", options.LockTimeoutMs, "lock timeout out of range", "use 10..60000 ms");
        }

        return options;
    }
}

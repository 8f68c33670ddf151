using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.Serial;

/// <summary>The <c>pm-serial</c> driver: an SDS011 or PMS5003 particulate-matter sensor on a UART (Iot.Device.Bindings has none).</summary>
public sealed class PmSerialDriverDefinition() : SensorDriverDefinition<PmSerialSensorFields>(
    "pm-serial",
    "a particulate-matter sensor on a UART (SDS011, PMS5003)",
    """
    {
      "required": ["format", "port"],
      "properties": {
        "format": { "enum": ["sds011", "pms5003"], "description": "the sensor's frame format" },
        "port": { "type": "string", "minLength": 1, "description": "serial device such as /dev/ttyAMA0 or /dev/ttyUSB0" },
        "baud": { "type": "integer", "enum": [9600], "description": "both sensors talk 9600 8N1" },
        "readTimeoutMs": { "type": "integer", "minimum": 500, "maximum": 60000, "description": "how long a poll waits for a fresh frame (default 3000)" }
      }
    }
    """,
    PmSerialConfigJsonContext.Default.PmSerialSensorFields)
{
    public override IReadOnlyList<QuantityInfo> KnownQuantities { get; } = [new("pm1_0", "ug/m3"), new("pm2_5", "ug/m3"), new("pm10", "ug/m3")];

    protected override void Check(PmSerialSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        if (options.Format is not ("sds011" or "pms5003"))
        {
            context.Error(spec.Path + "/format", options.Format, "unknown frame format", "use sds011 or pms5003");
        }

        if (options.Baud != 9600)
        {
            context.Error(spec.Path + "/baud", options.Baud, "SDS011 and PMS5003 talk 9600 baud only", "remove baud or set 9600");
        }

        if (options.ReadTimeoutMs is < 500 or > 60000)
        {
            context.Error(spec.Path + "/readTimeoutMs", options.ReadTimeoutMs, "read timeout out of range", "use 500..60000 (a PMS5003 in standby sends every 2.3 s)");
        }
    }

    public override void CheckNode(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (spec, fields) in Typed(sensors))
        {
            if (!seen.TryAdd(fields.Port, spec.Id))
            {
                context.Error(spec.Path + "/port", fields.Port, $"sensor '{seen[fields.Port]}' already reads this port", "give each PM sensor its own UART");
            }
        }
    }

    protected override ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, PmSerialSensorFields options, HardwareContext hardware, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISensorDriver>(new PmSerialDriver(
            new PmSerialOptions(spec.Id, options.Format, options.Port, options.Baud, TimeSpan.FromMilliseconds(options.ReadTimeoutMs)),
            SerialHardware.StreamFactory(hardware),
            hardware.Time,
            hardware.Loggers.CreateLogger<PmSerialDriver>()));
}

using System.Globalization;
using CityBrain.Drivers.I2c.Chips;
using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.I2c;

/// <summary>
/// The <c>i2c</c> driver: environment, bin, water and light chips on an I2C bus through Iot.Device.Bindings (one
/// folder per chip under Chips/, each with a README), with the <c>i2c</c> bus kind it brings. Devices are opened through
/// the <see cref="II2cDeviceFactory"/> in the hardware context; every sensor of one adapter shares its lock.
/// </summary>
public sealed class I2cDriverDefinition() : SensorDriverDefinition<I2cSensorFields>(
    "i2c",
    "a sensor chip on an I2C bus (BME280, SHT3x, SHT4x, SCD4x, BH1750, VL53L0X, HX711 I2C board, ADS1115)",
    """
    {
      "required": ["bus", "chip"],
      "properties": {
        "bus": { "$ref": "#/$defs/id", "description": "the id of an i2c bus" },
        "chip": { "enum": ["bme280", "sht3x", "sht4x", "scd4x", "bh1750", "vl53l0x", "hx711", "ads1115"], "description": "which chip (drivers/CityBrain.Drivers.I2c/Chips/<chip>/README.md)" },
        "address": { "type": "integer", "minimum": 8, "maximum": 119, "description": "7-bit address (decimal; default: the chip's usual one)" },
        "retries": { "type": "integer", "minimum": 0, "maximum": 5, "description": "extra attempts after a transient failure within one poll (default 2)" },
        "binDepthMm": { "type": "integer", "minimum": 30, "maximum": 2000, "description": "vl53l0x: sensor to the floor of the empty bin, in mm" },
        "tareRaw": { "type": "number", "description": "hx711: the raw reading of the empty bin" },
        "countsPerKg": { "type": "number", "description": "hx711: raw counts per kilogram" },
        "samples": { "type": "integer", "minimum": 1, "maximum": 50, "description": "hx711: samples averaged per reading (default 10)" },
        "channel": { "enum": ["ain0", "ain1", "ain2", "ain3", "ain0-ain1", "ain0-ain3", "ain1-ain3", "ain2-ain3"], "description": "ads1115: input (single-ended or differential)" },
        "fullScaleV": { "enum": [6.144, 4.096, 2.048, 1.024, 0.512, 0.256], "description": "ads1115: full-scale range in volts (default 4.096)" },
        "signal": { "enum": ["voltage", "current"], "description": "ads1115: a voltage output, or a 4-20 mA loop across shuntOhms" },
        "shuntOhms": { "type": "number", "exclusiveMinimum": 0, "description": "ads1115 current: the shunt resistor" },
        "quantity": { "type": "string", "pattern": "^[a-z][a-z0-9_]*$", "description": "ads1115: catalogue quantity the curve gives (water_level, odour_gas, noise_laeq)" },
        "unit": { "type": "string", "minLength": 1, "maxLength": 16, "description": "ads1115: unit of quantity (m, ppm, dB(A))" },
        "curve": { "type": "array", "minItems": 2, "items": { "type": "array", "prefixItems": [{ "type": "number" }, { "type": "number" }], "minItems": 2, "maxItems": 2 }, "description": "ads1115: [input, value] points, input (mA or V) increasing" }
      }
    }
    """,
    I2cConfigJsonContext.Default.I2cSensorFields)
{
    /// <summary>What the chips report; an ADS1115 with a configured quantity (a calibrated water level) reports that one instead.</summary>
    public override IReadOnlyList<QuantityInfo> KnownQuantities { get; } =
    [
        new(Catalogue.AirTemperature, Catalogue.DegreesCelsius), new(Catalogue.RelativeHumidity, Catalogue.Percent), new(Catalogue.AirPressure, Catalogue.Hectopascal),
        new(Catalogue.Co2, Catalogue.PartsPerMillion), new(Catalogue.Illuminance, Catalogue.Lux), new(Catalogue.Distance, Catalogue.Metre),
        new(Catalogue.FillLevel, Catalogue.Percent), new(Catalogue.Weight, Catalogue.Kilogram), new(Catalogue.Voltage, Catalogue.Volt),
        new(Catalogue.Current, Catalogue.Milliampere),
    ];

    private const string BusKindName = "i2c";

    public override IReadOnlyList<IBusKindDefinition> BusKinds { get; } = [new I2cBusKind()];

    protected override void Check(I2cSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        _ = context.RequireBus<I2cBusFields>(spec.Path + "/bus", options.Bus, BusKindName);
        if (!ChipKinds.All.TryGetValue(options.Chip, out var chip))
        {
            context.Error(spec.Path + "/chip", options.Chip, "unknown chip", "use one of: " + string.Join(", ", ChipKinds.All.Keys));
            return;
        }

        if (options.Address is { } address && !chip.Addresses.Contains(address))
        {
            context.Error(spec.Path + "/address", address, $"a {chip.Name} cannot be at this address", "use one of: " + string.Join(", ", chip.Addresses.Take(8).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a} (0x{a:x2})"))));
        }

        if (options.Retries is < 0 or > 5)
        {
            context.Error(spec.Path + "/retries", options.Retries, "retries out of range", "use 0..5");
        }

        if (spec.Interval < chip.MinInterval)
        {
            context.Error(spec.Path + "/intervalMs", (int)spec.Interval.TotalMilliseconds, $"a {chip.Name} measures once per {chip.MinInterval.TotalMilliseconds:0} ms: faster polls would only report not_ready", $"set intervalMs to {chip.MinInterval.TotalMilliseconds:0} or more");
        }

        switch (chip.Name)
        {
            case "vl53l0x" when options.BinDepthMm is null or < 30 or > 2000:
                context.Error(spec.Path + "/binDepthMm", options.BinDepthMm, "a VL53L0X bin sensor needs the bin's depth (it ranges up to about 2 m)", "set binDepthMm: the distance from the sensor to the floor of the empty bin, 30..2000");
                break;
            case "hx711":
                CheckHx711(options, spec, context);
                break;
            case "ads1115":
                CheckAds1115(options, spec, context);
                break;
        }
    }

    private static void CheckHx711(I2cSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        if (options.TareRaw is null)
        {
            context.Error(spec.Path + "/tareRaw", null, "the HX711 needs its tare", "weigh the empty bin: set tareRaw to the raw reading (citybrain read shows it)");
        }

        if (options.CountsPerKg is null or 0 || !double.IsFinite(options.CountsPerKg.Value))
        {
            context.Error(spec.Path + "/countsPerKg", options.CountsPerKg, "the HX711 needs its calibration", "put a known mass on the bin: countsPerKg = (raw − tareRaw) / mass in kg");
        }

        if (options.Samples is < 1 or > 50)
        {
            context.Error(spec.Path + "/samples", options.Samples, "samples out of range", "use 1..50");
        }
    }

    private static void CheckAds1115(I2cSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        if (Ads1115Settings.ParseChannel(options.Channel) is null)
        {
            context.Error(spec.Path + "/channel", options.Channel, "no such ADS1115 input", "use ain0..ain3, or ain0-ain1, ain0-ain3, ain1-ain3, ain2-ain3");
        }

        if (Ads1115Settings.ParseRange(options.FullScaleV) is null)
        {
            context.Error(spec.Path + "/fullScaleV", options.FullScaleV, "not one of the ADS1115's ranges", "use 6.144, 4.096, 2.048, 1.024, 0.512 or 0.256");
        }

        switch (options.Signal)
        {
            case "current" when options.ShuntOhms is not > 0:
                context.Error(spec.Path + "/shuntOhms", options.ShuntOhms, "a current loop needs its shunt resistor", "set shuntOhms (e.g. 150: 20 mA gives 3.0 V, inside fullScaleV 4.096)");
                break;
            case "current" when options.ShuntOhms * 0.021 > options.FullScaleV:
                context.Error(spec.Path + "/shuntOhms", options.ShuntOhms, $"21 mA across this shunt is {options.ShuntOhms * 0.021:0.###} V, beyond fullScaleV {options.FullScaleV}", "use a smaller shunt or a larger fullScaleV");
                break;
            case "voltage" or "current":
                break;
            default:
                context.Error(spec.Path + "/signal", options.Signal, "unknown signal kind", "use voltage or current");
                break;
        }

        if ((options.Quantity is null) != (options.Unit is null) || (options.Quantity is null) != (options.Curve is null))
        {
            context.Error(spec.Path + "/quantity", options.Quantity, "quantity, unit and curve go together", "set all three (e.g. \"quantity\": \"water_level\", \"unit\": \"m\", \"curve\": [[4, 0], [20, 5]]) or none (the input only)");
            return;
        }

        if (options.Curve is { } curve)
        {
            for (int i = 0; i < curve.Count; i++)
            {
                if (curve[i] is not { Length: 2 } point || !double.IsFinite(point[0]) || !double.IsFinite(point[1]) || (i > 0 && !(point[0] > curve[i - 1][0])))
                {
                    context.Error(spec.Path + "/curve/" + i.ToString(CultureInfo.InvariantCulture), null, "a curve point is [input, value] with the input larger than the previous point's", "list the points by increasing input, e.g. [[4, 0], [20, 5]]");
                    return;
                }
            }
        }
    }

    /// <summary>Two sensors at one address of one adapter would fight over the chip (an ADS1115's channels may share it).</summary>
    public override void CheckNode(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context)
    {
        var seen = new Dictionary<(int Bus, int Address), (SensorSpec Spec, I2cSensorFields Fields)>();
        foreach (var (spec, fields) in Typed(sensors))
        {
            if (!context.Buses.TryGetValue(fields.Bus, out var bus) || bus.Options is not I2cBusFields busFields || !ChipKinds.All.TryGetValue(fields.Chip, out var chip))
            {
                continue;
            }

            int address = fields.Address ?? chip.DefaultAddress;
            if (seen.TryGetValue((busFields.BusNumber, address), out var first)
                && !(first.Fields.Chip == "ads1115" && fields.Chip == "ads1115" && first.Fields.Channel != fields.Channel))
            {
                context.Error(spec.Path + "/address", address, string.Create(CultureInfo.InvariantCulture, $"sensor '{first.Spec.Id}' already uses address 0x{address:x2} on /dev/i2c-{busFields.BusNumber}"), "strap one chip to another address (see its README) or put it on another bus");
                continue;
            }

            seen.TryAdd((busFields.BusNumber, address), (spec, fields));
        }
    }

    protected override ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, I2cSensorFields options, HardwareContext hardware, CancellationToken cancellationToken)
    {
        var bus = (I2cBusFields)hardware.Buses[options.Bus].Options;
        var chip = ChipKinds.All[options.Chip];
        var target = new I2cChipTarget(spec.Id, chip.Name, options.Bus, bus.BusNumber, options.Address ?? chip.DefaultAddress, options.Retries, TimeSpan.FromMilliseconds(bus.LockTimeoutMs));
        return ValueTask.FromResult<ISensorDriver>(new I2cSensorDriver(
            target,
            chip.Channels(options),
            device => chip.Create(options, device),
            I2cHardware.DeviceFactory(hardware),
            hardware.BusLock(I2cHardware.BusLockKey(bus.BusNumber)),
            hardware.Time,
            hardware.Loggers.CreateLogger<I2cSensorDriver>()));
    }
}

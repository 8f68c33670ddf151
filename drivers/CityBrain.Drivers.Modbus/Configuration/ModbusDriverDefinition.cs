using System.Globalization;
using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// The <c>modbus</c> driver: a register-map-driven device (a device template) on a Modbus TCP connection or an RS-485
/// line, with the two bus kinds it brings. Sensors on one bus share its <see cref="ModbusBus"/> (one transaction at a
/// time); the templates come from <paramref name="templatesDirectory"/>.
/// </summary>
public sealed class ModbusDriverDefinition(string templatesDirectory) : SensorDriverDefinition<ModbusSensorFields>(
    "modbus",
    "a Modbus RTU/TCP device read through its device template",
    """
    {
      "required": ["bus", "unit", "template"],
      "properties": {
        "bus": { "$ref": "#/$defs/id", "description": "the id of a modbus-tcp or modbus-rtu bus" },
        "unit": { "type": "integer", "minimum": 0, "maximum": 255, "description": "unit (slave) id" },
        "template": { "type": "string", "minLength": 1, "description": "device template name (firmware-config/templates/NAME.json)" },
        "points": { "type": "array", "items": { "type": "string" }, "description": "template points to read (default all)" }
      }
    }
    """,
    ModbusConfigJsonContext.Default.ModbusSensorFields)
{
    private const string BusKindNames = "modbus-tcp or modbus-rtu";
    private readonly Lazy<Task<TemplateCatalog>> _templates = new(() => TemplateCatalog.LoadDirectoryAsync(templatesDirectory, CancellationToken.None));

    public string TemplatesDirectory { get; } = templatesDirectory;

    public override IReadOnlyList<IBusKindDefinition> BusKinds { get; } = [new ModbusTcpBusKind(), new ModbusRtuBusKind()];

    protected override void Check(ModbusSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        if (options.Unit is 0)
        {
            context.Error(spec.Path + "/unit", 0, "unit 0 is the Modbus broadcast address: no device answers a read sent to it", "use the device's unit id (1..247, or 255 for some TCP devices)");
        }

        if (context.RequireBus<IModbusBusFields>(spec.Path + "/bus", options.Bus, BusKindNames) is { } bus
            && spec.Timeout.TotalMilliseconds < bus.TimeoutMs)
        {
            // A poll abandoned before the bus's request timeout never tells the device's breaker that the device
            // is silent, so a dead device would hold a shared line on every poll.
            string busTimeout = bus.TimeoutMs.ToString(CultureInfo.InvariantCulture);
            if (spec.TimeoutConfigured)
            {
                context.Error(spec.Path + "/timeoutMs", (int)spec.Timeout.TotalMilliseconds, $"the poll timeout is shorter than bus '{options.Bus}' request timeout ({busTimeout} ms): a silent device would never be detected", $"set timeoutMs to at least {busTimeout} (or lower the bus's timeoutMs)");
            }
            else
            {
                context.Error(spec.Path + "/intervalMs", (int)spec.Interval.TotalMilliseconds, $"without timeoutMs a poll may last one interval, shorter than bus '{options.Bus}' request timeout ({busTimeout} ms): a silent device would never be detected", $"set \"timeoutMs\": {busTimeout} or more on this sensor (polls then overrun instead of being abandoned), or lower the bus's timeoutMs");
            }
        }
    }

    public override async ValueTask CheckResourcesAsync(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context, CancellationToken cancellationToken)
    {
        if (sensors.Count == 0)
        {
            return;
        }

        TemplateCatalog catalog;
        try
        {
            catalog = await _templates.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TemplateValidationException or IOException or UnauthorizedAccessException)
        {
            context.Error("/sensors", null, $"the device templates in {TemplatesDirectory} cannot be loaded: {ex.Message}", "fix the templates, or point CITYBRAIN_TEMPLATES at the folder that has them");
            return;
        }

        foreach (var (spec, fields) in Typed(sensors))
        {
            try
            {
                var template = catalog.Get(fields.Template, spec.Path + "/template");
                var options = ToDeviceOptions(spec, fields);
                _ = ModbusDeviceDriver.ResolveUnit(options, template);
                _ = ModbusDeviceDriver.SelectPoints(options, template);
            }
            catch (ModbusConfigurationException ex)
            {
                context.Error(spec.Path, spec.Id, ex.Message, "check unit, template and points against firmware-config/templates");
            }
        }
    }

    protected override async ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, ModbusSensorFields options, HardwareContext hardware, CancellationToken cancellationToken)
    {
        var catalog = await _templates.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var busFields = (IModbusBusFields)hardware.Buses[options.Bus].Options;
        var bus = hardware.GetOrAdd("modbus-bus:" + options.Bus, () => ModbusBus.Create(busFields.ToBusOptions(options.Bus), hardware.Time));
        var template = catalog.Get(options.Template, spec.Path + "/template");
        return new ModbusDeviceDriver(ToDeviceOptions(spec, options), template, bus, null, hardware.Time, hardware.Loggers.CreateLogger<ModbusDeviceDriver>());
    }

    private static ModbusDeviceOptions ToDeviceOptions(SensorSpec spec, ModbusSensorFields fields) => new()
    {
        SensorId = spec.Id,
        BusId = fields.Bus,
        UnitId = fields.Unit is { } unit ? (byte)unit : null,
        Template = fields.Template,
        Points = fields.Points,
        PollInterval = spec.Interval,
    };
}

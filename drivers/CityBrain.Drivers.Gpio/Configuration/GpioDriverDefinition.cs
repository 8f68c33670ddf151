using System.Device.Gpio;
using CityBrain.Sensing;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// The <c>gpio</c> driver: pulse counters (loop detectors, rain gauges, flow meters) and state inputs (bin lids, cabinet
/// doors, PIRs) on a GPIO chip's lines. The chip is found by label and opened once per node through the hardware
/// context, with the libgpiod ABI the OS has (README: chip and driver choice).
/// </summary>
public sealed class GpioDriverDefinition : SensorDriverDefinition<GpioSensorFields>
{
    public override IReadOnlyList<QuantityInfo> KnownQuantities { get; } = [.. GpioModeProfile.All.SelectMany(p => p.Quantities)];

    /// <summary>Above this debounce a state change reaches the buffer later than the 100 ms the node promises.</summary>
    public const double MaxInputDebounceMs = 80;

    private const string Schema = """
    {
      "required": ["mode", "pin"],
      "properties": {
        "mode": { "enum": ["vehicle-loop", "rain-gauge", "flow-meter", "counter", "bin-lid", "cabinet-door", "pir"], "description": "what the input is wired to: pulse counters (vehicle-loop: vehicle_count, occupancy; rain-gauge: rainfall, rain_rate; flow-meter: flow, volume; counter: pulse_count, pulse_total) or state inputs pushed on change (bin-lid: lid_open; cabinet-door: door_open; pir: presence)" },
        "pin": { "type": "integer", "minimum": 0, "maximum": 1023, "description": "line offset on the chip; on a Raspberry Pi the BCM GPIO number (GPIO17 = header pin 11)" },
        "chip": { "type": ["string", "integer"], "description": "the chip's label (pinctrl-rp1 on a Pi 5, pinctrl-bcm2711 on a Pi 4, pinctrl-bcm2835 on older Pis) or number; default: the Pi header chip, found by label" },
        "library": { "enum": ["auto", "libgpiod", "libgpiod2", "sysfs"], "default": "auto", "description": "auto: libgpiod v2 ABI if libgpiod.so.3 is installed (trixie), else v1 ABI if libgpiod.so.2 (bookworm), else sysfs; libgpiod = LibGpiodDriver (v1 ABI), libgpiod2 = LibGpiodV2Driver (v2 ABI)" },
        "pull": { "enum": ["up", "down", "none"], "description": "the chip's pull resistor; default up (pir: down)" },
        "activeLow": { "type": "boolean", "description": "the input is active (vehicle present, contact closed, lid open) at the low level; default true for counters, false for bin-lid, cabinet-door, pir" },
        "edge": { "enum": ["rising", "falling", "both"], "description": "counters: which raw edge counts; default the edge into the active level" },
        "debounceMs": { "type": "number", "minimum": 0, "maximum": 1000, "description": "how long the level must stay put before a change counts; default vehicle-loop 20, rain-gauge 25, flow-meter 0.5, counter 10, bin-lid and cabinet-door 50, pir 20" },
        "mmPerTip": { "type": "number", "exclusiveMinimum": 0, "maximum": 100, "description": "rain-gauge: millimetres of rain per bucket tip (the gauge's calibration, e.g. 0.2)" },
        "litresPerPulse": { "type": "number", "exclusiveMinimum": 0, "maximum": 100000, "description": "flow-meter: litres per pulse (e.g. 0.00222 for 450 pulses per litre)" }
      }
    }
    """;

    private readonly GpioChipDirectory _chips;
    private readonly Func<string, bool> _libraryPresent;

    /// <param name="chips">Where chips are listed (default: /sys).</param>
    /// <param name="libraryPresent">Whether a shared library loads (default: <see cref="GpioLibraryProbe.IsPresent"/>).</param>
    public GpioDriverDefinition(GpioChipDirectory? chips = null, Func<string, bool>? libraryPresent = null)
        : base("gpio", "pulse counters and state inputs on GPIO lines (loop detectors, rain gauges, flow meters, bin lids, doors, PIRs)", Schema, GpioConfigJsonContext.Default.GpioSensorFields)
    {
        _chips = chips ?? new GpioChipDirectory();
        _libraryPresent = libraryPresent ?? GpioLibraryProbe.IsPresent;
    }

    protected override void Check(GpioSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        string at = spec.Path;
        var profile = GpioModeProfile.Find(options.Mode);
        if (profile is null)
        {
            context.Error(at + "/mode", options.Mode, "unknown GPIO mode", "use one of: " + GpioModeProfile.Names);
            return;
        }

        if (GpioChipRequest.Parse(options.Chip, out string? chipProblem) is null)
        {
            context.Error(at + "/chip", options.Chip?.GetRawText(), chipProblem!, "give the chip's label (e.g. \"pinctrl-rp1\"), its number, or leave chip out for the Pi header chip");
        }

        if (GpioLibraryProbe.Parse(options.Library) is null)
        {
            context.Error(at + "/library", options.Library, "unknown GPIO library", "use auto, libgpiod (v1 ABI, libgpiod.so.2), libgpiod2 (v2 ABI, libgpiod.so.3) or sysfs");
        }

        if (options.Pull is not null && GpioSensorPlan.ParsePull(options.Pull) is null)
        {
            context.Error(at + "/pull", options.Pull, "unknown pull", "use up, down or none");
        }

        if (options.Edge is not null && (!profile.IsCounter || options.Edge is not ("rising" or "falling" or "both")))
        {
            context.Error(at + "/edge", options.Edge, profile.IsCounter ? "unknown edge" : $"edge applies to counters; a {profile.Name} reports both changes", profile.IsCounter ? "use rising, falling or both" : "remove edge (use activeLow to say which level is active)");
        }

        if (options.DebounceMs is { } debounce && (debounce < 0 || debounce > 1000 || !double.IsFinite(debounce)))
        {
            context.Error(at + "/debounceMs", debounce, "debounce out of range", "use 0..1000 ms");
        }
        else if (!profile.IsCounter && options.DebounceMs > MaxInputDebounceMs)
        {
            context.Warn(at + "/debounceMs", $"{options.DebounceMs} ms: a change reaches the buffer that long after the edge (more than the 100 ms a state input promises)");
        }

        RequireOnlyFor(profile, GpioMode.RainGauge, options.MmPerTip, at + "/mmPerTip", "millimetres of rain per bucket tip (on the gauge's label or datasheet; often 0.2 or 0.2794)", context);
        RequireOnlyFor(profile, GpioMode.FlowMeter, options.LitresPerPulse, at + "/litresPerPulse", "litres per pulse (1 / the meter's pulses per litre)", context);

        if (profile.IsCounter && spec.Interval < TimeSpan.FromSeconds(1))
        {
            context.Warn(at + "/intervalMs", $"a counter saves its count at every poll (two fsyncs); {spec.Interval.TotalMilliseconds:0} ms wears flash storage, 10000 or more is usual");
        }
    }

    private static void RequireOnlyFor(GpioModeProfile profile, GpioMode mode, double? value, string path, string what, DriverConfigContext context)
    {
        if (profile.Mode == mode && value is null)
        {
            context.Error(path, null, $"a {profile.Name} needs its {what}", $"set {path[(path.LastIndexOf('/') + 1)..]}");
        }
        else if (profile.Mode != mode && value is not null)
        {
            context.Error(path, value, $"only a {GpioModeProfile.Of(mode).Name} reads this field", "remove it, or set mode to " + GpioModeProfile.Of(mode).Name);
        }
    }

    public override void CheckNode(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context)
    {
        var pins = new Dictionary<(string Chip, int Pin), SensorSpec>();
        var libraries = new Dictionary<string, (string Library, SensorSpec Spec)>(StringComparer.Ordinal);
        foreach (var (spec, fields) in Typed(sensors))
        {
            var plan = GpioSensorPlan.From(fields);
            if (pins.TryGetValue((plan.Chip.Text, plan.Pin), out var first))
            {
                context.Error(spec.Path + "/pin", plan.Pin, $"pin {plan.Pin} on chip {plan.Chip.Text} is already used by sensor '{first.Id}' ({first.Path})", "wire each input to its own pin and give each sensor its pin");
            }
            else
            {
                pins[(plan.Chip.Text, plan.Pin)] = spec;
            }

            if (libraries.TryGetValue(plan.Chip.Text, out var chosen) && chosen.Library != fields.Library)
            {
                context.Error(spec.Path + "/library", fields.Library, $"sensor '{chosen.Spec.Id}' opens chip {plan.Chip.Text} with library {chosen.Library}: one chip is opened once", $"use the same library on every sensor of chip {plan.Chip.Text}");
            }
            else
            {
                libraries.TryAdd(plan.Chip.Text, (fields.Library, spec));
            }
        }
    }

    public override ValueTask CheckResourcesAsync(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (sensors.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        // On a machine without GPIO (a technician's laptop, CI with a fake controller) there is nothing to check here:
        // the pins are checked against the controller when the sensors are built.
        var chips = _chips.List();
        if (chips.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        foreach (var (spec, fields) in Typed(sensors))
        {
            var plan = GpioSensorPlan.From(fields);
            if (plan.Chip.Resolve(chips, out string? problem) is not { } chip)
            {
                context.Error(spec.Path + "/chip", plan.Chip.IsAuto ? null : plan.Chip.Text, problem!, "set \"chip\" to the label of the chip the input is wired to");
            }
            else if (chip.Lines > 0 && plan.Pin >= chip.Lines)
            {
                context.Error(spec.Path + "/pin", plan.Pin, PinMissing(chip.Label, chip.Lines, plan.Pin), PinFix(chip.Lines));
            }
        }

        return ValueTask.CompletedTask;
    }

    protected override async ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, GpioSensorFields options, HardwareContext hardware, CancellationToken cancellationToken)
    {
        var plan = GpioSensorPlan.From(options);
        try
        {
            var chip = GpioHardware.Open(hardware, plan.Chip, plan.Library, _chips, _libraryPresent);
            CheckPin(chip, plan);
            var setup = plan.ToSetup(spec, chip);
            try
            {
                return plan.Profile.IsCounter
                    ? await PulseCounterDriver.OpenAsync(setup, new PulseCounterSettings(plan.ActiveLow, plan.CountRising, plan.CountFalling, plan.Debounce), plan.UnitsPerPulse, hardware.Time, hardware.State, hardware.Loggers.CreateLogger<PulseCounterDriver>(), cancellationToken).ConfigureAwait(false)
                    : DigitalInputDriver.Open(setup, hardware.Time);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                throw new GpioSetupException("pin", plan.Pin, $"pin {plan.Pin} of {chip.Chip} cannot be opened: {ex.Message}", "check that no other program or overlay (1-wire, I2C, SPI, UART) holds the line, and that the service may use /dev/gpiochip*", ex);
            }
        }
        catch (GpioSetupException ex)
        {
            throw new ConfigurationException(spec.Path, [new ConfigError(spec.Path + "/" + ex.Field, DriverConfigContext.Render(ex.Value), ex.Message, ex.Fix)]);
        }
    }

    /// <summary>The pin exists on the chip, is free, and takes the pull resistor asked for.</summary>
    private static void CheckPin(GpioChipHandle chip, GpioSensorPlan plan)
    {
        var controller = chip.Controller;
        int lines = controller.PinCount;
        if (plan.Pin >= lines)
        {
            throw new GpioSetupException("pin", plan.Pin, PinMissing(chip.Chip, lines, plan.Pin), PinFix(lines));
        }

        if (controller.IsPinOpen(plan.Pin))
        {
            throw new GpioSetupException("pin", plan.Pin, $"pin {plan.Pin} of {chip.Chip} is already opened by another sensor of this node", "give each sensor its own pin (the same chip may be named by label in one sensor and by number in another)");
        }

        if (!controller.IsPinModeSupported(plan.Pin, plan.Pull))
        {
            string pull = plan.Pull switch { PinMode.InputPullUp => "up", PinMode.InputPullDown => "down", _ => "none" };
            throw new GpioSetupException("pull", pull, $"{chip.Chip} cannot set pull-{pull} on pin {plan.Pin} ({chip.Driver})", "set \"pull\": \"none\" and fit an external resistor (10 kΩ to 3.3 V for a pull-up, to ground for a pull-down)");
        }
    }

    private static string PinMissing(string chip, int lines, int pin) =>
        $"{chip} has {lines} lines (0..{lines - 1}): pin {pin} does not exist";

    private static string PinFix(int lines) =>
        $"use a line offset below {lines}; on a Raspberry Pi that is the BCM GPIO number (GPIO17 is header pin 11), not the header pin";
}

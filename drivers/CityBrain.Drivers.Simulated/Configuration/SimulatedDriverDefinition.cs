using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Drivers.Simulated;

/// <summary>The <c>simulated</c> driver: deterministic traffic, bin, environment and water values without hardware.</summary>
public sealed class SimulatedDriverDefinition() : SensorDriverDefinition<SimulatedSensorFields>(
    "simulated",
    "deterministic values without hardware (demos, tests, benchmarks)",
    """
    {
      "required": ["kind"],
      "properties": {
        "kind": { "enum": ["traffic", "bin", "environment", "water"], "description": "which family of values" },
        "seed": { "type": "integer", "description": "makes sensors of one kind differ, deterministically" },
        "faultEvery": { "type": "integer", "minimum": 0, "description": "every Nth poll reports a timeout fault (0: never)" },
        "samplesPerPoll": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 1, "description": "samples per channel per poll, timestamps spread evenly over the poll interval ending at now (a sensor draining its FIFO)" }
      }
    }
    """,
    SimulatedConfigJsonContext.Default.SimulatedSensorFields)
{
    public override IReadOnlyList<QuantityInfo> KnownQuantities { get; } =
        [.. Enum.GetValues<SimulatedSensorKind>().SelectMany(SimulatedChannels.For)];

    protected override void Check(SimulatedSensorFields options, SensorSpec spec, DriverConfigContext context)
    {
        if (ParseKind(options.Kind) is null)
        {
            context.Error(spec.Path + "/kind", options.Kind, "unknown simulated sensor kind", "use traffic, bin, environment or water");
        }

        if (options.SamplesPerPoll is < 1 or > SimulatedSensorOptions.MaxSamplesPerPoll)
        {
            context.Error(spec.Path + "/samplesPerPoll", options.SamplesPerPoll, "samples per poll out of range", "use 1..1000");
        }
    }

    protected override ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, SimulatedSensorFields options, HardwareContext hardware, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISensorDriver>(new SimulatedSensorDriver(
            new SimulatedSensorOptions(spec.Id, ParseKind(options.Kind)!.Value, options.Seed, options.FaultEvery, options.SamplesPerPoll, spec.Interval),
            hardware.Time));

    private static SimulatedSensorKind? ParseKind(string kind) => kind switch
    {
        "traffic" => SimulatedSensorKind.Traffic,
        "bin" => SimulatedSensorKind.Bin,
        "environment" => SimulatedSensorKind.Environment,
        "water" => SimulatedSensorKind.Water,
        _ => null,
    };
}

using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Edge.Tests.Composition.MadeUpDriver;

/// <summary>
/// A driver that exists only in this test project, to show that a driver is its own files plus one registration: its
/// fields (<see cref="EchoFields"/>), their schema fragment, its checks and its construction, nothing in the edge.
/// </summary>
public sealed class EchoDriverDefinition() : SensorDriverDefinition<EchoFields>(
    "echo",
    "reports a configured value (test driver)",
    """
    {
      "required": ["quantity", "value"],
      "properties": {
        "quantity": { "type": "string", "minLength": 1 },
        "value": { "type": "number" },
        "unit": { "type": "string" }
      }
    }
    """,
    EchoJsonContext.Default.EchoFields)
{
    protected override void Check(EchoFields options, SensorSpec spec, DriverConfigContext context)
    {
        if (options.Value < 0)
        {
            context.Error(spec.Path + "/value", options.Value, "an echo cannot be negative", "use a value of 0 or more");
        }
    }

    public override void CheckNode(IReadOnlyList<ConfiguredSensor> sensors, DriverConfigContext context)
    {
        foreach (var group in Typed(sensors).GroupBy(s => s.Options.Quantity).Where(g => g.Count() > 1))
        {
            var second = group.Skip(1).First();
            context.Error(second.Spec.Path + "/quantity", group.Key, "two echo sensors report the same quantity", "give each echo its own quantity");
        }
    }

    protected override ValueTask<ISensorDriver> CreateAsync(SensorSpec spec, EchoFields options, HardwareContext hardware, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISensorDriver>(new EchoDriver(spec.Id, options, hardware.Time));
}

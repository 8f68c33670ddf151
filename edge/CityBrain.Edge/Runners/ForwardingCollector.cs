using CityBrain.Sensing;

namespace CityBrain.Edge.Runners;

/// <summary>The end of a sensor's processor chain: readings that survive processing go to the node's intake.</summary>
internal sealed class ForwardingCollector : IReadingCollector
{
    public List<Reading> Output { get; } = new(8);

    public List<SensorFault> Faults { get; } = new(1);

    public void Add(in Reading reading)
    {
        if (double.IsFinite(reading.Value))
        {
            Output.Add(reading.TruncatedToMilliseconds());
        }
    }

    public void AddFault(SensorFault fault) => Faults.Add(fault);

    public void Clear()
    {
        Output.Clear();
        Faults.Clear();
    }
}

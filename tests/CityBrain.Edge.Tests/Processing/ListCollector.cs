using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

/// <summary>Collects what a stage emits.</summary>
internal sealed class ListCollector : IReadingCollector
{
    public List<Reading> Readings { get; } = [];

    public List<SensorFault> Faults { get; } = [];

    public void Add(in Reading reading) => Readings.Add(reading);

    public void AddFault(SensorFault fault) => Faults.Add(fault);

    public List<Reading> Take()
    {
        var taken = new List<Reading>(Readings);
        Readings.Clear();
        return taken;
    }
}

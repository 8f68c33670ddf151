using CityBrain.Sensing;

namespace CityBrain.IntegrationTests.Catalogue;

/// <summary>Collects what one poll of a driver produced.</summary>
internal sealed class ReadingList : IReadingCollector
{
    public List<Reading> Readings { get; } = [];

    public List<SensorFault> Faults { get; } = [];

    public void Add(in Reading reading) => Readings.Add(reading);

    public void AddFault(SensorFault fault) => Faults.Add(fault);
}

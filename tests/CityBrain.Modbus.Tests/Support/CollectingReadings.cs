using CityBrain.Sensing;

namespace CityBrain.Modbus.Tests.Support;

internal sealed class CollectingReadings : IReadingCollector
{
    public List<Reading> Readings { get; } = [];

    public List<SensorFault> Faults { get; } = [];

    public void Add(in Reading reading) => Readings.Add(reading);

    public void AddFault(SensorFault fault) => Faults.Add(fault);

    public Reading Get(string quantity) => Readings.Single(r => r.Quantity == quantity);
}

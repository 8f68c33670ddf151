using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Driver;

/// <summary>What a poll gave.</summary>
public sealed class Collected : IReadingCollector
{
    public List<Reading> Readings { get; } = [];

    public List<SensorFault> Faults { get; } = [];

    public void Add(in Reading reading) => Readings.Add(reading);

    public void AddFault(SensorFault fault) => Faults.Add(fault);

    public Reading Single(string quantity) => Readings.Single(r => r.Quantity == quantity);
}

using CityBrain.Sensing;

namespace CityBrain.Edge.Runners;

/// <summary>Gathers one poll's readings and faults; reused across polls by one runner.</summary>
internal sealed class PollCollector : IReadingCollector
{
    private readonly string _sensorId;

    public PollCollector(string sensorId) => _sensorId = sensorId;

    public List<Reading> Readings { get; } = new(8);

    public List<SensorFault> Faults { get; } = new(2);

    public void Add(in Reading reading)
    {
        // A driver reports for its own sensor; a wrong id or a non-finite value is a driver bug, reported as a fault.
        if (!string.Equals(reading.Sensor, _sensorId, StringComparison.Ordinal))
        {
            Faults.Add(new SensorFault(_sensorId, FaultCodes.DriverError, $"driver reported a reading for sensor '{reading.Sensor}'", reading.Timestamp, Transient: false));
            return;
        }

        if (!double.IsFinite(reading.Value))
        {
            Faults.Add(new SensorFault(_sensorId, FaultCodes.DriverError, $"driver reported a non-finite value for {reading.Quantity}", reading.Timestamp, Transient: false));
            return;
        }

        Readings.Add(reading.TruncatedToMilliseconds());
    }

    public void AddFault(SensorFault fault) => Faults.Add(fault);

    public void Clear()
    {
        Readings.Clear();
        Faults.Clear();
    }
}

using CityBrain.Sensing;

namespace CityBrain.Testing.Sensing;

/// <summary>Collects what a driver reports, from polls (<see cref="IReadingCollector"/>) and events (<see cref="IEventSink"/>); thread-safe.</summary>
public sealed class ReadingList : IReadingCollector, IEventSink
{
    private readonly Lock _lock = new();
    private readonly List<Reading> _readings = [];
    private readonly List<SensorFault> _faults = [];

    public IReadOnlyList<Reading> Readings
    {
        get
        {
            lock (_lock)
            {
                return [.. _readings];
            }
        }
    }

    public IReadOnlyList<SensorFault> Faults
    {
        get
        {
            lock (_lock)
            {
                return [.. _faults];
            }
        }
    }

    /// <summary>The value of the only reading of <paramref name="quantity"/>.</summary>
    public double Single(string quantity) => Readings.Single(r => r.Quantity == quantity).Value;

    public void Add(in Reading reading)
    {
        lock (_lock)
        {
            _readings.Add(reading);
        }
    }

    public void AddFault(SensorFault fault)
    {
        lock (_lock)
        {
            _faults.Add(fault);
        }
    }

    public bool TryPush(in Reading reading)
    {
        Add(reading);
        return true;
    }

    public void PushFault(SensorFault fault) => AddFault(fault);

    public void Clear()
    {
        lock (_lock)
        {
            _readings.Clear();
            _faults.Clear();
        }
    }
}

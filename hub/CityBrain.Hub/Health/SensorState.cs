using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Health;

/// <summary>What the registry keeps per sensor. Guarded by its node's lock.</summary>
internal sealed class SensorState(string id)
{
    public string Id { get; } = id;

    public string? Driver { get; set; }

    public long IntervalMs { get; set; }

    public string? HealthStatus { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public FaultInfo? LastError { get; set; }

    public long Sampled { get; set; }

    public long Filtered { get; set; }

    public long Faults { get; set; }

    public long Overruns { get; set; }

    /// <summary>Usually one or a few per sensor: a list searched linearly is smaller and faster than a dictionary.</summary>
    public List<QuantityState> Quantities { get; } = new(1);

    public QuantityState? Find(string quantity)
    {
        foreach (var q in Quantities)
        {
            if (string.Equals(q.Quantity, quantity, StringComparison.Ordinal))
            {
                return q;
            }
        }

        return null;
    }

    public void Seen(DateTimeOffset at)
    {
        if (LastSeen is null || at > LastSeen)
        {
            LastSeen = at;
        }
    }
}

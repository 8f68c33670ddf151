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

    public Dictionary<string, QuantityState> Quantities { get; } = new(StringComparer.Ordinal);

    public void Seen(DateTimeOffset at)
    {
        if (LastSeen is null || at > LastSeen)
        {
            LastSeen = at;
        }
    }
}

using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Health;

/// <summary>What the registry keeps per sensor. Guarded by its node's lock.</summary>
internal sealed class SensorState(string id)
{
    public string Id { get; } = id;

    public string? Driver { get; set; }

    public long IntervalMs { get; set; }

    public string? HealthStatus { get; set; }

    // UTC ticks (long.MinValue: never): 8 bytes instead of 24 for a DateTimeOffset? (0.8 MB at 50k sensors).
    private long _lastSeenTicks = long.MinValue;

    public DateTimeOffset? LastSeen
    {
        get => _lastSeenTicks == long.MinValue ? null : new DateTimeOffset(_lastSeenTicks, TimeSpan.Zero);
        set => _lastSeenTicks = value?.UtcTicks ?? long.MinValue;
    }

    public FaultInfo? LastError { get; set; }

    public long Sampled { get; set; }

    public long Filtered { get; set; }

    public long Faults { get; set; }

    public long Overruns { get; set; }

    // Usually one quantity per sensor: the first is kept inline, further ones in a list (searched linearly: smaller and
    // faster than a dictionary for a few). A List<T> with its array for every sensor was 64 bytes, 3.2 MB at 50k sensors.
    private QuantityState? _first;
    private List<QuantityState>? _more;

    /// <summary>The sensor's quantities in the order they were added.</summary>
    public QuantityList Quantities => new(this);

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

    /// <summary>A view of <see cref="SensorState"/>'s quantities (no allocation to count, add or enumerate).</summary>
    public readonly struct QuantityList(SensorState owner)
    {
        public int Count => owner._first is null ? 0 : 1 + (owner._more?.Count ?? 0);

        public QuantityState this[int index] => index == 0 && owner._first is not null ? owner._first : owner._more![index - 1];

        public void Add(QuantityState quantity)
        {
            if (owner._first is null)
            {
                owner._first = quantity;
            }
            else
            {
                (owner._more ??= new List<QuantityState>(1)).Add(quantity);
            }
        }

        public Enumerator GetEnumerator() => new(this);

        public struct Enumerator(QuantityList list)
        {
            private readonly int _count = list.Count;
            private int _index = -1;

            public readonly QuantityState Current => list[_index];

            public bool MoveNext() => ++_index < _count;
        }
    }

    public void Seen(DateTimeOffset at)
    {
        if (at.UtcTicks > _lastSeenTicks)
        {
            _lastSeenTicks = at.UtcTicks;
        }
    }
}

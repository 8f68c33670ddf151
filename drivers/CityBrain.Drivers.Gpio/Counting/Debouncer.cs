namespace CityBrain.Drivers.Gpio;

/// <summary>
/// Software debounce by stability: raw edges (contact bounce, a spike on a long cable) start a burst; the burst settles
/// once the level has stayed put for the debounce time, and only then counts as a change — dated at the burst's first
/// edge, so the change time is the physical one. A burst that ends at the level it started from (a glitch shorter than
/// the debounce) is no change. Settling is lazy: the next edge, a poll or a timer at <see cref="Deadline"/> calls
/// <see cref="Settle"/>. Not thread-safe; the owner serialises calls.
/// </summary>
public sealed class Debouncer
{
    private readonly long _debounceTicks;
    private bool _raw;
    private bool _pending;
    private long _burstStart;
    private long _lastEdge;

    /// <param name="initialHigh">The level read when the pin was opened.</param>
    /// <param name="debounceTicks">Stability required, in <see cref="TimeProvider.GetTimestamp"/> ticks (0: every edge is a change).</param>
    public Debouncer(bool initialHigh, long debounceTicks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(debounceTicks);
        Stable = initialHigh;
        _raw = initialHigh;
        _debounceTicks = debounceTicks;
    }

    /// <summary>The debounced level.</summary>
    public bool Stable { get; private set; }

    /// <summary>When the burst in progress settles if no edge follows (ticks), or null when none is in progress.</summary>
    public long? Deadline => _pending ? _lastEdge + _debounceTicks : null;

    /// <summary>A raw edge to <paramref name="high"/> at <paramref name="at"/>; returns the change it completed, if any.</summary>
    public bool OnEdge(bool high, long at, out LevelChange change)
    {
        // The edge ends the previous burst's quiet time: if that was long enough, the previous level settled first.
        bool settled = Settle(at, out change);
        if (!_pending)
        {
            _pending = true;
            _burstStart = at;
        }

        _raw = high;
        _lastEdge = at;
        if (!settled && _debounceTicks == 0)
        {
            settled = Settle(at, out change);
        }

        return settled;
    }

    /// <summary>Settles the burst in progress if the level has been stable for the debounce time at <paramref name="now"/>.</summary>
    public bool Settle(long now, out LevelChange change)
    {
        if (_pending && now - _lastEdge >= _debounceTicks)
        {
            _pending = false;
            if (_raw != Stable)
            {
                Stable = _raw;
                change = new LevelChange(_raw, _burstStart);
                return true;
            }
        }

        change = default;
        return false;
    }
}

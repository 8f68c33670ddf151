namespace CityBrain.Drivers.Gpio;

/// <summary>
/// Counts debounced pulses and the time the input is held active, per reporting interval, with a running total that
/// a restart continues (<see cref="Restore"/>). Edges come from the hardware library's thread, intervals from the
/// poll: both under one lock. Times are <see cref="TimeProvider.GetTimestamp"/> ticks of the injected clock.
/// </summary>
public sealed class PulseCounter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly PulseCounterSettings _settings;
    private readonly Debouncer _debouncer;
    private long _total;
    private long _reported;
    private long _windowStart;
    private TimeSpan _carriedObserved;
    private TimeSpan _carriedActive;
    private TimeSpan _active;
    private long _activeSince;
    private long _edges;
    private long _lastEdge;

    public PulseCounter(bool initialHigh, PulseCounterSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _time = time;
        _settings = settings;
        _debouncer = new Debouncer(initialHigh, (long)(settings.Debounce.TotalSeconds * time.TimestampFrequency));
        _windowStart = time.GetTimestamp();
        _activeSince = _windowStart;
    }

    /// <summary>Raw edges seen (before debounce).</summary>
    public long Edges
    {
        get
        {
            lock (_lock)
            {
                return _edges;
            }
        }
    }

    /// <summary>The running total (counted pulses, reported or not).</summary>
    public long Total
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>Ticks of the last raw edge, or null when none was seen since start.</summary>
    public long? LastEdge
    {
        get
        {
            lock (_lock)
            {
                return _edges == 0 ? null : _lastEdge;
            }
        }
    }

    /// <summary>The debounced level is the active one.</summary>
    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _debouncer.Stable != _settings.ActiveLow;
            }
        }
    }

    /// <summary>Continues from a saved state: the total, what was reported, and a clean stop's unreported time.</summary>
    public void Restore(CounterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            _total = state.Total;
            _reported = Math.Min(state.Reported, state.Total);
            _carriedObserved = TimeSpan.FromMilliseconds(Math.Max(0, state.PendingObservedMs));
            _carriedActive = TimeSpan.FromMilliseconds(Math.Max(0, state.PendingActiveMs));
        }
    }

    /// <summary>A raw edge (<paramref name="high"/>: the level after it) at <paramref name="at"/> ticks.</summary>
    public void OnEdge(bool high, long at)
    {
        lock (_lock)
        {
            _edges++;
            _lastEdge = at;
            if (_debouncer.OnEdge(high, at, out var change))
            {
                Apply(change);
            }
        }
    }

    /// <summary>Ends the interval at <paramref name="now"/>: what it saw; the next interval starts empty.</summary>
    public PulseInterval TakeInterval(long now)
    {
        lock (_lock)
        {
            var interval = PeekLocked(now);
            _reported = interval.Total;
            _windowStart = now;
            _activeSince = now;
            _active = TimeSpan.Zero;
            _carriedObserved = TimeSpan.Zero;
            _carriedActive = TimeSpan.Zero;
            return interval;
        }
    }

    /// <summary>What the interval in progress has seen so far, without ending it (for a clean stop's save).</summary>
    public PulseInterval Peek(long now)
    {
        lock (_lock)
        {
            return PeekLocked(now);
        }
    }

    /// <summary>Gives an interval back (its save failed, so it was not reported): the next interval includes it.</summary>
    public void Return(PulseInterval interval)
    {
        lock (_lock)
        {
            _reported -= interval.Count;
            _carriedObserved += interval.Observed;
            _carriedActive += interval.Active;
        }
    }

    private PulseInterval PeekLocked(long now)
    {
        if (_debouncer.Settle(now, out var change))
        {
            Apply(change);
        }

        var active = _carriedActive + _active + (_debouncer.Stable != _settings.ActiveLow ? _time.GetElapsedTime(_activeSince, now) : TimeSpan.Zero);
        var observed = _carriedObserved + _time.GetElapsedTime(_windowStart, now);
        return new PulseInterval(_total - _reported, _total, observed, active);
    }

    private void Apply(LevelChange change)
    {
        // A burst that began before the interval did (settled after the poll) belongs to this interval from its start.
        long at = Math.Max(change.At, _windowStart);
        if (change.High ? _settings.CountRising : _settings.CountFalling)
        {
            _total++;
        }

        if (change.High != _settings.ActiveLow)
        {
            _activeSince = at;
        }
        else
        {
            _active += _time.GetElapsedTime(Math.Max(_activeSince, _windowStart), at);
        }
    }
}

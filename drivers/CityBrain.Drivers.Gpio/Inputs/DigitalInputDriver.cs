using System.Globalization;
using CityBrain.Sensing;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// A state input (bin lid, cabinet door, PIR): each debounced change is pushed to the node's event sink as it settles —
/// debounce time after the last bounce, well within 100 ms for the default debounce — dated at the change's first
/// edge; each poll reports the current state as the heartbeat. The health detail shows the last raw edge, so an input
/// whose wire was cut or whose edge events stopped firing shows as silent.
/// </summary>
public sealed class DigitalInputDriver : IEventSensorDriver, ISensorDiagnostics
{
    private readonly Lock _lock = new();
    private readonly GpioSensorSetup _setup;
    private readonly TimeProvider _time;
    private readonly Debouncer _debouncer;
    private readonly ITimer _settleTimer;
    private readonly GpioPinWatch _watch;
    private IEventSink? _sink;
    private long _edges;
    private long _lastEdge;
    private long _changes;
    private long _lastChange;
    private long _unsent;
    private int _disposed;

    private DigitalInputDriver(GpioSensorSetup setup, GpioPinWatch watch, TimeProvider time)
    {
        _setup = setup;
        _watch = watch;
        _time = time;
        _debouncer = new Debouncer(watch.InitialHigh, (long)(setup.Debounce.TotalSeconds * time.TimestampFrequency));
        _settleTimer = time.CreateTimer(static s => ((DigitalInputDriver)s!).OnSettleTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string SensorId => _setup.SensorId;

    public IReadOnlyList<QuantityInfo> Quantities => _setup.Profile.Quantities;

    /// <summary>The debounced state: true when active (lid open, door open, presence).</summary>
    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _debouncer.Stable != _setup.ActiveLow;
            }
        }
    }

    /// <summary>Opens the pin and starts watching it (changes before <see cref="WatchAsync"/> update the state only).</summary>
    public static DigitalInputDriver Open(GpioSensorSetup setup, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var watch = GpioPinWatch.Open(setup.Chip.Controller, setup.Pin, setup.Pull);
        var driver = new DigitalInputDriver(setup, watch, time);
        watch.Start(time, driver.OnEdge);
        return driver;
    }

    public async Task WatchAsync(IEventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Volatile.Write(ref _sink, sink);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _sink, null);
        }
    }

    public ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collector);
        bool active;
        lock (_lock)
        {
            if (_debouncer.Settle(_time.GetTimestamp(), out var change))
            {
                Publish(change);
            }

            active = _debouncer.Stable != _setup.ActiveLow;
        }

        var q = _setup.Profile.Quantities[0];
        collector.Add(new Reading(SensorId, q.Quantity, active ? 1 : 0, q.Unit, _time.GetUtcNow()));
        return ValueTask.CompletedTask;
    }

    public IReadOnlyDictionary<string, string> Diagnostics()
    {
        var facts = _setup.BaseDiagnostics();
        lock (_lock)
        {
            facts["active"] = (_debouncer.Stable != _setup.ActiveLow) ? "1" : "0";
            facts["edges"] = _edges.ToString(CultureInfo.InvariantCulture);
            facts["changes"] = _changes.ToString(CultureInfo.InvariantCulture);
            facts["last_edge"] = _edges == 0 ? "never" : GpioSensorSetup.Format(GpioSensorSetup.WallTime(_time, _lastEdge));
            facts["last_change"] = _changes == 0 ? "never" : GpioSensorSetup.Format(GpioSensorSetup.WallTime(_time, _lastChange));
            if (_unsent > 0)
            {
                facts["changes_not_pushed"] = _unsent.ToString(CultureInfo.InvariantCulture);
            }
        }

        return facts;
    }

    private void OnEdge(bool high, long at)
    {
        lock (_lock)
        {
            _edges++;
            _lastEdge = at;
            if (_debouncer.OnEdge(high, at, out var change))
            {
                Publish(change);
            }

            Arm(at);
        }
    }

    private void OnSettleTimer()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            if (_debouncer.Settle(now, out var change))
            {
                Publish(change);
            }

            Arm(now);
        }
    }

    /// <summary>Wakes up when the burst in progress would settle (no further edge needed to report it).</summary>
    private void Arm(long now)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (_debouncer.Deadline is { } deadline)
        {
            var due = deadline > now ? _time.GetElapsedTime(now, deadline) : TimeSpan.Zero;
            _settleTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void Publish(LevelChange change)
    {
        _changes++;
        _lastChange = change.At;
        var q = _setup.Profile.Quantities[0];
        bool active = change.High != _setup.ActiveLow;
        var reading = new Reading(SensorId, q.Quantity, active ? 1 : 0, q.Unit, GpioSensorSetup.WallTime(_time, change.At));
        if (Volatile.Read(ref _sink) is not { } sink || !sink.TryPush(reading))
        {
            // Not watched yet (the node is starting) or the sink's queue was full (it counts that itself): the next
            // heartbeat poll reports the state.
            _unsent++;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _watch.Dispose();
            _settleTimer.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}

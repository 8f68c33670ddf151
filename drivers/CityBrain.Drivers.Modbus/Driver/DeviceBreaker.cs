namespace CityBrain.Drivers.Modbus;

/// <summary>
/// One device's circuit breaker, made for a shared bus. Closed: requests go through; <see cref="ModbusResilienceOptions.TimeoutsToOpen"/>
/// timeouts or <see cref="ModbusResilienceOptions.FailuresToOpen"/> transient failures in a row open it (one success
/// resets both counts, so an isolated timeout of a healthy device never trips it). Open: requests fail fast until the
/// break has passed, then exactly one request goes through as a probe while every other fails fast. A probe that
/// fails reopens the breaker for twice the last break (up to <see cref="ModbusResilienceOptions.MaxBreakDuration"/>),
/// so a device that stays dead costs its bus one timeout per break, less and less often. Thread-safe.
/// </summary>
public sealed class DeviceBreaker
{
    private readonly ModbusResilienceOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private int _timeouts;
    private int _failures;
    private bool _open;
    private bool _probing;
    private long _retryAt;
    private TimeSpan _break;

    public DeviceBreaker(ModbusResilienceOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _time = timeProvider;
        _break = options.BreakDuration;
    }

    /// <summary>Raised outside the breaker's lock when it opens (true, the break) or closes (false, zero).</summary>
    public event Action<bool, TimeSpan>? StateChanged;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>
    /// Whether a request may go to the device now: <see cref="Admission.Pass"/> (closed), <see cref="Admission.Probe"/>
    /// (the one request of a half-open breaker; report its outcome, or <see cref="Abandon"/> it) or
    /// <see cref="Admission.Reject"/> (open: fail fast).
    /// </summary>
    public Admission TryEnter(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_open)
            {
                return Admission.Pass;
            }

            long now = _time.GetTimestamp();
            if (_probing || now < _retryAt)
            {
                retryAfter = _probing ? _break : _time.GetElapsedTime(now, _retryAt);
                return Admission.Reject;
            }

            _probing = true;
            return Admission.Probe;
        }
    }

    /// <summary>The device answered (a normal response, or a permanent error it reported): the breaker closes.</summary>
    public void OnAnswered()
    {
        bool closed;
        lock (_gate)
        {
            _timeouts = 0;
            _failures = 0;
            closed = _open;
            _open = false;
            _probing = false;
            _break = _options.BreakDuration;
        }

        if (closed)
        {
            StateChanged?.Invoke(false, TimeSpan.Zero);
        }
    }

    /// <summary>A transient failure (after the request's retries); <paramref name="timeout"/> when the device stayed silent.</summary>
    public void OnFailure(bool timeout)
    {
        TimeSpan opened;
        lock (_gate)
        {
            _timeouts = timeout ? _timeouts + 1 : 0;
            _failures++;
            if (_probing)
            {
                _probing = false;
                _break = _break * 2 > _options.MaxBreakDuration ? _options.MaxBreakDuration : _break * 2;
            }
            else if (_open || (_timeouts < _options.TimeoutsToOpen && _failures < _options.FailuresToOpen))
            {
                return;
            }

            _open = true;
            _retryAt = _time.GetTimestamp() + (long)(_break.TotalSeconds * _time.TimestampFrequency);
            opened = _break;
        }

        StateChanged?.Invoke(true, opened);
    }

    /// <summary>A probe that ended without an outcome (cancelled): the next request probes instead.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _probing = false;
        }
    }

    public enum Admission
    {
        Pass,
        Probe,
        Reject,
    }
}

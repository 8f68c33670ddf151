namespace CityBrain.Edge.Publishing;

/// <summary>
/// Holds telemetry while the broker answers PUBACK 0x10 "No matching subscribers" (MQTT 5 §3.4.2.1): the broker took
/// the message and gave it to nobody, so the readings stay in the buffer. While held, no worker publishes; when the
/// hold expires exactly one worker publishes a probe batch. A probe that reaches a subscriber lifts the hold; another
/// 0x10 holds again for twice as long (from <c>min</c> up to <c>max</c>), so a node without a hub neither spins nor
/// floods the broker, and resumes within <c>max</c> of the hub's return.
/// </summary>
public sealed class NoSubscriberHold
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Lock _gate = new();
    private TimeSpan _backoff;
    private long _retryAt;
    private TaskCompletionSource? _probe;

    public NoSubscriberHold(TimeSpan min, TimeSpan max, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        _min = min;
        _max = max;
        _time = time;
    }

    /// <summary>True while telemetry is held because nobody subscribes.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return _backoff > TimeSpan.Zero;
            }
        }
    }

    /// <summary>The current hold period (zero when not held).</summary>
    public TimeSpan Backoff
    {
        get
        {
            lock (_gate)
            {
                return _backoff;
            }
        }
    }

    /// <summary>
    /// Completes when this worker may publish: at once when not held; else after the hold, as the single probe
    /// (returns true) or after the probe's outcome. A probe must be ended with <see cref="Delivered"/>,
    /// <see cref="NoSubscribers"/> or <see cref="EndProbe"/>.
    /// </summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task waitFor;
            lock (_gate)
            {
                if (_backoff == TimeSpan.Zero)
                {
                    return false;
                }

                TimeSpan remaining = _time.GetElapsedTime(_time.GetTimestamp(), _retryAt);
                if (remaining > TimeSpan.Zero)
                {
                    waitFor = Task.Delay(remaining, _time, cancellationToken);
                }
                else if (_probe is null)
                {
                    _probe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return true;
                }
                else
                {
                    waitFor = _probe.Task.WaitAsync(cancellationToken);
                }
            }

            await waitFor.ConfigureAwait(false);
        }
    }

    /// <summary>A message reached a subscriber: lift the hold.</summary>
    public void Delivered(bool probe)
    {
        lock (_gate)
        {
            _backoff = TimeSpan.Zero;
            if (probe)
            {
                CompleteProbe();
            }
        }
    }

    /// <summary>
    /// The broker answered 0x10. Starts or lengthens the hold, once per hold period: the answers of messages already
    /// in flight when the hold began do not lengthen it again.
    /// </summary>
    public void NoSubscribers(bool probe)
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            bool holding = _backoff > TimeSpan.Zero && _time.GetElapsedTime(now, _retryAt) > TimeSpan.Zero;
            if (probe || !holding)
            {
                _backoff = _backoff == TimeSpan.Zero ? _min : TimeSpan.FromTicks(Math.Min(_max.Ticks, _backoff.Ticks * 2));
                _retryAt = now + (long)(_backoff.TotalSeconds * _time.TimestampFrequency);
            }

            if (probe)
            {
                CompleteProbe();
            }
        }
    }

    /// <summary>The probe ended without an answer (nothing to send, or the publish failed): the next worker probes.</summary>
    public void EndProbe()
    {
        lock (_gate)
        {
            CompleteProbe();
        }
    }

    private void CompleteProbe()
    {
        _probe?.TrySetResult();
        _probe = null;
    }
}

using System.Runtime.CompilerServices;
using CityBrain.Edge.Pipeline;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Runners;

/// <summary>
/// Owns one sensor's schedule: polls its driver every interval (with jitter) under a timeout, runs the sensor's
/// processor chain and hands the output to the intake. Each sensor has its own loop, so a slow driver never delays
/// another; a poll that runs past its next tick is followed by that tick's poll (at least half an interval after the
/// poll before it), and ticks that passed entirely meanwhile are skipped and counted as overruns (never queued up). The schedule runs on
/// the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), readings are stamped with the wall clock.
/// </summary>
public sealed class SensorRunner : IDisposable
{
    private readonly ISensorDriver _driver;
    private readonly IReadingProcessor? _processors;
    private readonly ReadingIntake _intake;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EdgeMetrics _metrics;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _jitter;
    private readonly TimeSpan _timeout;
    private readonly PollCollector _poll;
    private readonly ForwardingCollector _forward = new();
    private readonly LoadShedder? _shedder;

    // One poll of this sensor at a time, scheduled or on call: the driver and its collectors are not re-entrant.
    // (The bus lock inside the driver keeps polls of different sensors on one bus apart.)
    private readonly SemaphoreSlim _polling = new(1, 1);

    public SensorRunner(
        ISensorDriver driver,
        IReadingProcessor? processors,
        ReadingIntake intake,
        SensorSchedule schedule,
        TimeProvider time,
        EdgeMetrics metrics,
        ILogger logger,
        LoadShedder? shedder = null)
    {
        _shedder = shedder;
        _driver = driver;
        _processors = processors;
        _intake = intake;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _interval = schedule.Interval;
        _jitter = schedule.Jitter;
        _timeout = schedule.Timeout;
        _poll = new PollCollector(driver.SensorId);
        State = new SensorState(driver.SensorId);
    }

    public SensorState State { get; }

    public string SensorId => _driver.SensorId;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Scheduled on the monotonic clock: a step of the wall clock (NTP, a node without RTC) neither stops sampling
        // (backward) nor fires a burst of catch-up polls (forward). Readings keep wall-clock timestamps.
        // Spread the first polls over one interval so a node's sensors do not all fire at once.
        long started = _time.GetTimestamp();
        var next = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * Math.Min(_interval.Ticks, TimeSpan.FromSeconds(1).Ticks)));
        var notBefore = TimeSpan.Zero;
        var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = (next > notBefore ? next : notBefore) - _time.GetElapsedTime(started);
                if (wait <= TimeSpan.Zero)
                {
                    // A catch-up poll: give the thread back first. Back-to-back synchronous polls (simulated and cached
                    // drivers complete without awaiting) would hold a pool thread, and the pool answers with more
                    // threads (12 → 22 on bench/edge.sh's saturating run, +3.5 MB RSS).
                    await Task.Yield();
                }
                else
                {
                    try
                    {
                        await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (_shedder?.ShouldShed(_interval) == true)
                {
                    // The node delivers less than it samples: this tick is skipped at the source, counted, rather
                    // than queued behind the readings already waiting.
                    State.RecordOverrun(1);
                    var sensor = new KeyValuePair<string, object?>("sensor", SensorId);
                    _metrics.Overruns.Add(1, sensor);
                    _metrics.Shed.Add(1, sensor);
                    next += _interval + Jitter();
                    continue;
                }

                if (!_polling.Wait(0, CancellationToken.None))
                {
                    try
                    {
                        await _polling.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                var pollStarted = _time.GetElapsedTime(started);
                try
                {
                    timeout = await PollAsync(timeout, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _polling.Release();
                }

                // The next tick stays on the sensor's grid. A poll that ran past that tick (the bus busy with the
                // neighbours' polls, a late wake-up) is followed by the tick's poll; ticks that passed entirely are
                // skipped and counted as overruns (restarting the grid at the end of each late poll lost a fifth of the
                // polls the bus had room for, issue 16). A catch-up poll keeps half an interval from the poll before
                // it: right after a late but quick poll it would sample the same instant again, and the database keeps
                // two readings of one series with one timestamp as one (counting that tick as an overrun instead lost
                // 5% of the polls at 8 x 10 units every 10 ms, where wake-ups are often late on two busy cores).
                var now = _time.GetElapsedTime(started);
                notBefore = pollStarted + (_interval / 2);
                next += _interval + Jitter();
                long missed = next <= now ? (now - next).Ticks / _interval.Ticks : 0;
                if (missed > 0)
                {
                    State.RecordOverrun(missed);
                    _metrics.Overruns.Add(missed, new KeyValuePair<string, object?>("sensor", SensorId));
                    next += missed * _interval;
                }
            }
        }
        finally
        {
            timeout.Dispose();
        }
    }

    /// <summary>One poll: driver → processors → intake. Public for tests that drive a runner tick by tick.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        await _polling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            await PollAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _polling.Release();
        }
    }

    /// <summary>
    /// Polls the sensor now, out of turn (an on-call read): waits for a scheduled poll in progress, at most
    /// <paramref name="wait"/>, then polls through the same driver (and so the same bus lock), processors and intake as
    /// a scheduled poll, so the reading is buffered and published as usual. Returns the driver's readings and faults,
    /// or null when the sensor did not become free within <paramref name="wait"/>.
    /// </summary>
    public async Task<PollResult?> ReadNowAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using (var waited = new CancellationTokenSource(wait, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waited.Token))
        {
            try
            {
                await _polling.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (waited.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            await PollAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new PollResult([.. _poll.Readings], [.. _poll.Faults]);
        }
        finally
        {
            _polling.Release();
        }
    }

    /// <summary>
    /// One poll under <paramref name="timeout"/> (an unarmed source the caller reuses across its polls, which never
    /// overlap); the caller's token cancels it through a registration instead of a linked source per poll. Returns
    /// the source to use next time (the same one, reset, unless it fired).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<CancellationTokenSource> PollAsync(CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        _poll.Clear();
        _forward.Clear();
        var started = _time.GetUtcNow();
        bool stopped = false;
        timeout.CancelAfter(_timeout);
        var stop = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            await _driver.PollAsync(_poll, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stopped = true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            _poll.AddFault(new SensorFault(SensorId, FaultCodes.Timeout, $"poll did not finish within {_timeout.TotalMilliseconds:0} ms", started));
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Sensor {Sensor}: driver failed", SensorId);
            _poll.AddFault(new SensorFault(SensorId, FaultCodes.DriverError, ex.GetType().Name + ": " + ex.Message, started, Transient: true));
        }
        finally
        {
            stop.Dispose();
        }

        if (!timeout.TryReset())
        {
            timeout.Dispose();
            timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        }

        if (stopped)
        {
            return timeout;
        }

        var now = _time.GetUtcNow();

        // Without processors the poll's readings (already checked finite and truncated by PollCollector) go to the
        // intake as they are: no second list per runner holding a copy of every poll.
        List<Reading> output = _poll.Readings;
        if (_processors is not null)
        {
            foreach (var reading in _poll.Readings)
            {
                _processors.Process(reading, _forward);
            }

            _processors.Tick(now, _forward);
            foreach (var fault in _forward.Faults)
            {
                _poll.Faults.Add(fault);
            }

            output = _forward.Output;
        }

        State.RecordPoll(_poll.Readings.Count, output.Count, _poll.Faults, now);
        var tag = new KeyValuePair<string, object?>("sensor", SensorId);
        _metrics.Sampled.Add(_poll.Readings.Count, tag);
        if (_poll.Readings.Count > output.Count)
        {
            _metrics.FilteredOut.Add(_poll.Readings.Count - output.Count, tag);
        }

        foreach (var fault in _poll.Faults)
        {
            _metrics.Faults.Add(1, tag, new KeyValuePair<string, object?>("code", fault.Code));
        }

        if (output.Count > 0)
        {
            await _intake.WriteAsync(output, cancellationToken).ConfigureAwait(false);
            _metrics.Buffered.Add(output.Count, tag);
        }

        return timeout;
    }

    public void Dispose() => _polling.Dispose();

    private TimeSpan Jitter() =>
        _jitter <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)((Random.Shared.NextDouble() - 0.5) * _jitter.Ticks));
}

using System.Threading.Channels;
using CityBrain.Edge.Pipeline;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Runners;

/// <summary>
/// Carries an event-driven driver's readings (a lid opened, a door forced) to the intake as they happen, beside the
/// sensor's <see cref="SensorRunner"/> which keeps polling on the interval as the heartbeat. The driver's callbacks
/// only queue (bounded, never blocking the hardware library's thread); this loop checks each reading like a poll's and
/// hands it on at once, so a change reaches the buffer within milliseconds of the edge, not at the next poll. A reading
/// that finds the queue full is counted (<c>citybrain.edge.events.dropped</c>) and shown as a fault.
/// Event readings skip the sensor's processor chain: they are state changes, which deadband or windows would distort.
/// </summary>
public sealed class EventRunner : IEventSink
{
    /// <summary>How many event readings may wait for the intake; a burst larger than this is counted as dropped.</summary>
    public const int QueueCapacity = 4096;

    private readonly IEventSensorDriver _driver;
    private readonly ReadingIntake _intake;
    private readonly SensorState _state;
    private readonly EdgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Reading> _queue = Channel.CreateBounded<Reading>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });

    private readonly PollCollector _check;
    private readonly KeyValuePair<string, object?> _tag;
    private long _dropped;

    public EventRunner(IEventSensorDriver driver, ReadingIntake intake, SensorState state, EdgeMetrics metrics, TimeProvider time, ILogger logger)
    {
        _driver = driver;
        _intake = intake;
        _state = state;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _check = new PollCollector(driver.SensorId);
        _tag = new KeyValuePair<string, object?>("sensor", driver.SensorId);
    }

    /// <summary>Event readings lost to a full queue.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Watches the driver and forwards its readings until <paramref name="cancellationToken"/> stops the node.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watch = WatchAsync(cancellationToken);
        var batch = new List<Reading>(64);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _check.Clear();
                while (batch.Count < 256 && _queue.Reader.TryRead(out var reading))
                {
                    _check.Add(reading);
                }

                batch.Clear();
                batch.AddRange(_check.Readings);
                foreach (var fault in _check.Faults)
                {
                    PushFault(fault);
                }

                await ForwardAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        // Readings queued before the stop still go to the intake: the appender drains it before the buffer closes.
        batch.Clear();
        _check.Clear();
        while (_queue.Reader.TryRead(out var reading))
        {
            _check.Add(reading);
        }

        await ForwardAsync(_check.Readings, CancellationToken.None).ConfigureAwait(false);
        await watch.ConfigureAwait(false);
    }

    /// <summary>Hands checked event readings to the intake and counts them.</summary>
    private async Task ForwardAsync(List<Reading> readings, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return;
        }

        await _intake.WriteAsync(readings, cancellationToken).ConfigureAwait(false);
        _state.RecordEvents(readings.Count, _time.GetUtcNow());
        _metrics.Sampled.Add(readings.Count, _tag);
        _metrics.Buffered.Add(readings.Count, _tag);
    }

    public bool TryPush(in Reading reading)
    {
        if (_queue.Writer.TryWrite(reading))
        {
            return true;
        }

        long dropped = Interlocked.Increment(ref _dropped);
        _metrics.EventsDropped.Add(1, _tag);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            _state.RecordFault(new SensorFault(_driver.SensorId, FaultCodes.Overrun, $"{dropped} event readings dropped: more than {QueueCapacity} waited for the buffer", reading.Timestamp));
        }

        return false;
    }

    public void PushFault(SensorFault fault)
    {
        _state.RecordFault(fault);
        _metrics.Faults.Add(1, _tag, new KeyValuePair<string, object?>("code", fault.Code));
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _driver.WatchAsync(this, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Sensor {Sensor}: watching for events failed; the sensor is polled only", _driver.SensorId);
            PushFault(new SensorFault(_driver.SensorId, FaultCodes.DriverError, "watching for events failed: " + ex.Message, _time.GetUtcNow()));
        }
    }
}

using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Edge.Runners;

/// <summary>What one sensor's runner has seen: counters and the last reading and fault. Thread-safe snapshotting.</summary>
public sealed class SensorState
{
    private readonly Lock _gate = new();
    private long _sampled;
    private long _filtered;
    private long _faults;
    private long _overruns;
    private long _polls;
    private long? _lastReadingMs;
    private SensorFault? _lastFault;
    private bool _lastPollFailed;
    private long _events;

    public SensorState(string sensorId) => SensorId = sensorId;

    public string SensorId { get; }

    public long Sampled => Interlocked.Read(ref _sampled);

    public long Polls => Interlocked.Read(ref _polls);

    public long Overruns => Interlocked.Read(ref _overruns);

    public long Faults => Interlocked.Read(ref _faults);

    public long Events => Interlocked.Read(ref _events);

    /// <summary>The driver's facts for the health message, when it has any (<see cref="ISensorDiagnostics"/>).</summary>
    public ISensorDiagnostics? Diagnostics { get; set; }

    internal void RecordPoll(int readings, int emitted, IReadOnlyList<SensorFault> faults, DateTimeOffset now)
    {
        lock (_gate)
        {
            _polls++;
            _sampled += readings;
            _filtered += Math.Max(0, readings - emitted);
            _faults += faults.Count;
            if (readings > 0)
            {
                _lastReadingMs = now.ToUnixTimeMilliseconds();
            }

            if (faults.Count > 0)
            {
                _lastFault = faults[^1];
            }

            _lastPollFailed = faults.Count > 0 && readings == 0;
        }
    }

    /// <summary>Readings an event-driven driver pushed between polls (already handed to the intake).</summary>
    internal void RecordEvents(int readings, DateTimeOffset now)
    {
        lock (_gate)
        {
            _events += readings;
            _sampled += readings;
            if (readings > 0)
            {
                _lastReadingMs = now.ToUnixTimeMilliseconds();
            }
        }
    }

    internal void RecordFault(SensorFault fault)
    {
        lock (_gate)
        {
            _faults++;
            _lastFault = fault;
        }
    }

    internal void RecordOverrun(long missedTicks) => Interlocked.Add(ref _overruns, missedTicks);

    public SensorHealth Snapshot()
    {
        var detail = Diagnostics?.Diagnostics();
        lock (_gate)
        {
            return new SensorHealth
            {
                Id = SensorId,
                Status = _polls == 0 ? SensorHealth.Idle : _lastPollFailed ? SensorHealth.Fault : SensorHealth.Ok,
                LastReadingTs = _lastReadingMs,
                LastError = _lastFault is null ? null : new FaultInfo(_lastFault.Code, _lastFault.Message, _lastFault.Timestamp.ToUnixTimeMilliseconds()),
                Sampled = _sampled,
                Filtered = _filtered,
                Faults = _faults,
                Overruns = _overruns,
                Events = _events,
                Detail = detail is { Count: > 0 } ? detail : null,
            };
        }
    }
}

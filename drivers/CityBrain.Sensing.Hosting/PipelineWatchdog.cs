namespace CityBrain.Sensing.Hosting;

/// <summary>
/// Decides whether a service's pipeline still moves, from its <see cref="LivenessProbe"/>s. The edge watches its running
/// node (every sensor runner finishes polls, the appender takes what the runners queued, the publisher finishes
/// publishes while connected with readings buffered: Edge/Hosting/PipelineLivenessProbes); the hub its ingest (held
/// telemetry is written or at least attempted: Hub/Ingest/IngestLiveness). <see cref="SystemdWatchdogService"/> pings
/// systemd only while <see cref="Check"/> finds no stall, so a hung service (a driver that ignores its timeout, a disk
/// that no longer answers, a writer that never returns) is restarted by systemd (<c>WatchdogSec=</c> in the unit).
/// With nothing to watch (the edge before its node runs: configuration load, buffer recovery) the process counts as alive.
/// </summary>
public sealed class PipelineWatchdog
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private ProbeState[] _probes = [];

    public PipelineWatchdog(TimeProvider time) => _time = time;

    /// <summary>Starts watching <paramref name="probes"/> (replacing any earlier set); their clocks start now.</summary>
    public void Watch(IEnumerable<LivenessProbe> probes)
    {
        var now = _time.GetTimestamp();
        var states = probes.Select(p => new ProbeState(p, p.Progress(), now)).ToArray();
        lock (_gate)
        {
            _probes = states;
        }
    }

    /// <summary>Stops watching (the node is stopping or gone).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _probes = [];
        }
    }

    /// <summary>Samples every probe; returns one line per stalled component, empty when everything moves.</summary>
    public IReadOnlyList<string> Check()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            List<string>? stalls = null;
            foreach (var state in _probes)
            {
                long progress = state.Probe.Progress();
                if (progress != state.LastProgress || !state.Probe.Expected())
                {
                    state.LastProgress = progress;
                    state.Since = now;
                    continue;
                }

                var still = _time.GetElapsedTime(state.Since, now);
                if (still > state.Probe.StallAfter)
                {
                    (stalls ??= []).Add($"{state.Probe.Name}: no progress for {still.TotalSeconds:0} s (limit {state.Probe.StallAfter.TotalSeconds:0} s)");
                }
            }

            return stalls ?? (IReadOnlyList<string>)[];
        }
    }

    private sealed class ProbeState(LivenessProbe probe, long progress, long since)
    {
        public LivenessProbe Probe { get; } = probe;

        public long LastProgress { get; set; } = progress;

        public long Since { get; set; } = since;
    }
}

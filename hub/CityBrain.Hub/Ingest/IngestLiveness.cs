using CityBrain.Hub.Configuration;
using CityBrain.Sensing.Hosting;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// What the hub's systemd watchdog watches (<see cref="PipelineWatchdog"/>, <see cref="SystemdWatchdogService"/>): while
/// telemetry is held unacknowledged (received, not yet stored and acknowledged), the writers must finish a batch or at
/// least a write attempt. A failed attempt counts as movement: a database that is down is not a hang (the writers retry,
/// the broker holds the rest, a restart would not help); a writer that never returns, a batcher that stopped taking
/// from the queue, or a receiver that no longer releases what it holds is one.
/// </summary>
public static class IngestLiveness
{
    /// <summary>The ingest's probe for <paramref name="options"/>.</summary>
    public static LivenessProbe Probe(IngestMetrics metrics, HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new LivenessProbe(
            "ingest writers",
            () => metrics.MessagesWrittenTotal + metrics.RetriesTotal,
            () => metrics.Unacknowledged > 0,
            StallAfter(options));
    }

    /// <summary>
    /// Twice the longest a healthy writer can go between attempts (the longest retry delay plus the slowest sink's request
    /// timeout), plus a minute for a full batch to be written: 140 s with the defaults.
    /// </summary>
    public static TimeSpan StallAfter(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int slowestSink = options.Sinks.Count == 0 ? 0 : options.Sinks.Max(s => s.TimeoutSeconds);
        return TimeSpan.FromSeconds((2 * (options.Resilience.MaxRetryDelaySeconds + slowestSink)) + 60);
    }
}

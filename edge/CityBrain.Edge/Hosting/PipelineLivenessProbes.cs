using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Hosting;

namespace CityBrain.Edge.Hosting;

/// <summary>The liveness checks of a running <see cref="EdgeNode"/> (what "stuck" means for each stage).</summary>
public static class PipelineLivenessProbes
{
    /// <summary>How long the appender may hold queued readings without completing an append (a disk that stopped answering).</summary>
    public static TimeSpan AppenderStallAfter { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Added to each sensor's own allowance, so a slow start or a GC pause never counts as a hang.</summary>
    public static TimeSpan Slack { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One probe per sensor runner (a poll finishes within its timeout, fault or not: one that never does is a driver
    /// or bus that ignores cancellation; allowed 3 × (interval + timeout) + 30 s); the appender (it completes an
    /// append within 60 s while readings wait in the intake); the publisher (it finishes a publish, acknowledged or
    /// failed, within 4 × the publish timeout + 30 s while connected with readings buffered).
    /// </summary>
    public static IReadOnlyList<LivenessProbe> For(EdgeNode node, NodeConfiguration config)
    {
        var probes = new List<LivenessProbe>();
        for (int i = 0; i < node.Runners.Count; i++)
        {
            var state = node.Runners[i].State;
            var sensor = config.Sensors[i];
            probes.Add(LivenessProbe.Always($"sensor '{state.SensorId}' runner", () => state.Polls, (3 * (sensor.Interval + sensor.EffectiveTimeout)) + Slack));
        }

        var intake = node.Intake;
        var appender = node.Appender;
        probes.Add(new LivenessProbe("buffer appender", () => appender.Appended, () => intake.Count > 0, AppenderStallAfter));

        var publisher = node.Publisher;
        var connection = node.Connection;
        var buffer = node.Buffer;
        probes.Add(new LivenessProbe(
            "telemetry publisher",
            () => publisher.Messages + publisher.Failures,
            () => connection.IsConnected && buffer.GetStats().Readings > 0,
            (4 * TimeSpan.FromSeconds(config.Mqtt.PublishTimeoutSeconds)) + Slack));
        return probes;
    }
}

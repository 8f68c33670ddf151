namespace CityBrain.Hub.Alerts;

/// <summary>
/// A node's buffer dropping (a dropped counter grew within <see cref="Hold"/>) or about to: storage degraded, telemetry
/// held, or a backlog older than <see cref="After"/> (when set).
/// </summary>
public sealed record BufferRule : AlertRule
{
    public override string Kind => AlertKinds.Buffer;

    public TimeSpan After { get; init; }

    public TimeSpan Hold { get; init; }
}

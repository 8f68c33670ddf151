namespace CityBrain.Hub.Alerts;

/// <summary>A data gap: no telemetry for longer than <see cref="After"/> (when set), or a sequence gap seen within <see cref="Hold"/>.</summary>
public sealed record GapRule : AlertRule
{
    public override string Kind => AlertKinds.Gap;

    public TimeSpan After { get; init; }

    public TimeSpan Hold { get; init; }
}

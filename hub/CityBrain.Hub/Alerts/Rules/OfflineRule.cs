namespace CityBrain.Hub.Alerts;

/// <summary>A node offline (status or Will) or silent, for longer than <see cref="After"/>.</summary>
public sealed record OfflineRule : AlertRule
{
    public override string Kind => AlertKinds.Offline;

    public TimeSpan After { get; init; }
}

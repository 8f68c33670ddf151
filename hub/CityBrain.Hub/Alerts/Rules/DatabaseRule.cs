namespace CityBrain.Hub.Alerts;

/// <summary>The hub's own database down: a sink has failed every write for longer than <see cref="After"/>.</summary>
public sealed record DatabaseRule : AlertRule
{
    public override string Kind => AlertKinds.Database;

    public TimeSpan After { get; init; }
}

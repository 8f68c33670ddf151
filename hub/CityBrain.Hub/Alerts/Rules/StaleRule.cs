namespace CityBrain.Hub.Alerts;

/// <summary>A sensor silent longer than its expected interval allows (on a node that is neither offline nor silent).</summary>
public sealed record StaleRule : AlertRule
{
    public override string Kind => AlertKinds.Stale;
}

namespace CityBrain.Hub.Alerts;

/// <summary>A validated, compiled alert rule (made by <see cref="AlertRuleCompiler"/>).</summary>
public sealed class AlertRule
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Severity { get; init; }

    public string? Description { get; init; }

    public string? Quantity { get; init; }

    public string? District { get; init; }

    public string? Grid { get; init; }

    public string? Node { get; init; }

    public string? Sensor { get; init; }

    /// <summary>Threshold rules: true when the value must go above <see cref="Level"/>, false for below.</summary>
    public bool Above { get; init; }

    public double Level { get; init; }

    /// <summary>The level the value must cross back to clear (equals <see cref="Level"/> without hysteresis).</summary>
    public double ClearLevel { get; init; }

    public TimeSpan For { get; init; }

    public TimeSpan After { get; init; }

    public TimeSpan Hold { get; init; }

    public TimeWindow? Window { get; init; }

    public bool Matches(string district, string grid, string node, string? sensor) =>
        (District is null || District == district)
        && (Grid is null || Grid == grid)
        && (Node is null || Node == node)
        && (Sensor is null || sensor is null || Sensor == sensor);

    /// <summary>Whether the value raises (outside the raise level).</summary>
    public bool Raises(double value) => Above ? value > Level : value < Level;

    /// <summary>Whether the value clears (back past the clear level).</summary>
    public bool Clears(double value) => Above ? value < ClearLevel : value > ClearLevel;

    public bool InWindow(DateTimeOffset now, TimeZoneInfo zone) =>
        Window is not { } w || w.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime));
}

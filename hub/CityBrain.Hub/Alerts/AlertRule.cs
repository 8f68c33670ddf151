namespace CityBrain.Hub.Alerts;

/// <summary>
/// A validated, compiled alert rule (made by <see cref="AlertRuleCompiler"/>): what every kind has. Each kind is its own
/// record (<see cref="ThresholdRule"/>, <see cref="StaleRule"/>, <see cref="OfflineRule"/>, <see cref="GapRule"/>,
/// <see cref="BufferRule"/>, <see cref="DatabaseRule"/>) with only the fields that kind reads, and is evaluated by its
/// own evaluator (Alerts/Evaluators).
/// </summary>
public abstract record AlertRule
{
    public required string Id { get; init; }

    /// <summary>See <see cref="AlertKinds"/>.</summary>
    public abstract string Kind { get; }

    public required string Severity { get; init; }

    public string? Description { get; init; }

    public string? District { get; init; }

    public string? Grid { get; init; }

    public string? Node { get; init; }

    public string? Sensor { get; init; }

    /// <summary>How long the condition must hold before the alert is raised (minimum duration).</summary>
    public TimeSpan For { get; init; }

    public TimeWindow? Window { get; init; }

    public bool Matches(string district, string grid, string node, string? sensor) =>
        (District is null || District == district)
        && (Grid is null || Grid == grid)
        && (Node is null || Node == node)
        && (Sensor is null || sensor is null || Sensor == sensor);

    public bool InWindow(DateTimeOffset now, TimeZoneInfo zone) =>
        Window is not { } w || w.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime));
}

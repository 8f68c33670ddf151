namespace CityBrain.Hub.Alerts;

/// <summary>One rule at one place (node, and sensor for sensor rules): pending since when, and the active alert. Guarded by <see cref="Gate"/>.</summary>
internal sealed class ConditionState(AlertRule rule, string district, string grid, string node, string? sensor)
{
    public Lock Gate { get; } = new();

    public AlertRule Rule { get; } = rule;

    public string District { get; set; } = district;

    public string Grid { get; set; } = grid;

    public string Node { get; } = node;

    public string? Sensor { get; } = sensor;

    public DateTimeOffset? PendingSince { get; set; }

    public Alert? Active { get; set; }

    public double? LastValue { get; set; }

    public string? Unit { get; set; }
}

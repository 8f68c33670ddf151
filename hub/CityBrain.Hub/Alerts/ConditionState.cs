namespace CityBrain.Hub.Alerts;

/// <summary>
/// One rule at one place (node, and sensor for sensor rules): pending since when, and the active alert. Guarded by
/// <see cref="Gate"/>. Exists only while it matters (pending or active); see <see cref="ConditionStore"/> for its lifecycle.
/// </summary>
internal sealed class ConditionState(AlertRule rule, string district, string grid, string node, string? sensor)
{
    public Lock Gate { get; } = new();

    public AlertRule Rule { get; } = rule;

    public string District { get; } = district;

    public string Grid { get; } = grid;

    public string Node { get; } = node;

    public string? Sensor { get; } = sensor;

    public DateTimeOffset? PendingSince { get; set; }

    public Alert? Active { get; set; }

    public double? LastValue { get; set; }

    public string? Unit { get; set; }

    /// <summary>Neither pending nor active: nothing to remember, so the engine removes it.</summary>
    public bool IsIdle => PendingSince is null && Active is null;

    /// <summary>
    /// Set (under <see cref="Gate"/>) when the engine takes this state out of its map. A thread that fetched it before
    /// and then takes the lock must not step it (its change would be lost): it looks the condition up again instead.
    /// </summary>
    public bool Removed { get; set; }
}

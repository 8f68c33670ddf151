namespace CityBrain.Hub.Health;

/// <summary>The registry's snapshot on disk: a version, when it was saved, every node and the active alerts.</summary>
public sealed record HealthSnapshotFile
{
    public const int CurrentVersion = 1;

    public int V { get; init; } = CurrentVersion;

    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Written as it is enumerated (one node's view at a time: a large registry is never copied whole); read as a list.</summary>
    public IEnumerable<NodeView> Nodes { get; init; } = [];

    /// <summary>Alerts active when saved (restored so that they clear, and their retained MQTT messages are deleted, once their cause is gone).</summary>
    public IReadOnlyList<Alerts.Alert> Alerts { get; init; } = [];
}

namespace CityBrain.Hub.Health;

/// <summary>The registry's snapshot on disk: a version, when it was saved, every node and the active alerts.</summary>
public sealed record HealthSnapshotFile
{
    public const int CurrentVersion = 1;

    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    public int V { get; set; } = CurrentVersion;

    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Written as it is enumerated (one node's view at a time: a large registry is never copied whole); read as a list.</summary>
    public IEnumerable<NodeView> Nodes { get; set; } = [];

    /// <summary>Alerts active when saved (restored so that they clear, and their retained MQTT messages are deleted, once their cause is gone).</summary>
    public IReadOnlyList<Alerts.Alert> Alerts { get; set; } = [];
}

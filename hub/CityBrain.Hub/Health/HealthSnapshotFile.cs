namespace CityBrain.Hub.Health;

/// <summary>The registry's snapshot on disk: a version, when it was saved, every node and the active alerts (see <see cref="HealthSnapshotStore"/> for the file's layout).</summary>
public sealed record HealthSnapshotFile
{
    public const int CurrentVersion = 2;

    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    public int V { get; set; } = CurrentVersion;

    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Written as it is enumerated, one line per node (a large registry is never copied whole), and read one node at a time.</summary>
    public IEnumerable<NodeView> Nodes { get; set; } = [];

    /// <summary>Alerts active when saved (restored so that they clear, and their retained MQTT messages are deleted, once their cause is gone).</summary>
    public IReadOnlyList<Alerts.Alert> Alerts { get; set; } = [];
}

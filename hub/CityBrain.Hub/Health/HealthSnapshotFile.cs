using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityBrain.Hub.Health;

/// <summary>The registry's snapshot on disk: a version, when it was saved, every node, and the sections of the <see cref="ISnapshotContributor"/>s (see <see cref="HealthSnapshotStore"/> for the file's layout).</summary>
public sealed record HealthSnapshotFile
{
    public const int CurrentVersion = 2;

    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    public int V { get; set; } = CurrentVersion;

    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Written as it is enumerated, one line per node (a large registry is never copied whole), and read one node at a time.</summary>
    public IEnumerable<NodeView> Nodes { get; set; } = [];

    /// <summary>
    /// The contributors' sections, as properties of the header beside <c>v</c> and <c>savedAt</c> (e.g. <c>alerts</c>:
    /// the alerts active when saved, restored so that they clear, and their retained MQTT messages are deleted, once
    /// their cause is gone). A section no contributor claims is kept in the file until the next save.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Sections { get; set; } = [];
}

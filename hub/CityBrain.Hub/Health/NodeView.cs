namespace CityBrain.Hub.Health;

/// <summary>
/// A node as the registry knows it: the JSON API's shape and the snapshot file's. <see cref="Restored"/> is true while
/// the state is the last known one loaded at hub start and nothing new came from the node.
/// </summary>
public sealed record NodeView
{
    public required string Node { get; init; }

    public required string District { get; init; }

    public required string Grid { get; init; }

    public string? Street { get; init; }

    public string? City { get; init; }

    /// <summary>Overall status, see <see cref="NodeStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>What the node's status message said: online, offline or unknown.</summary>
    public required string State { get; init; }

    /// <summary>Why offline: connection_lost (its Will) or shutdown.</summary>
    public string? OfflineReason { get; init; }

    public DateTimeOffset? StateSince { get; init; }

    public string? Boot { get; init; }

    public string? Software { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public DateTimeOffset? LastTelemetry { get; init; }

    public DateTimeOffset? LastHealth { get; init; }

    /// <summary>The node's announced health interval in seconds (0 before its first health message).</summary>
    public int HealthIntervalS { get; init; }

    public NodeBufferView? Buffer { get; init; }

    public NodePublishView? Publish { get; init; }

    public required NodeSequenceView Sequence { get; init; }

    public bool Restored { get; init; }

    /// <summary>
    /// Readings of this node's sensors or quantities the registry does not track because a cap was reached (they are
    /// still stored in the database; the view just does not show them), and why (<see cref="RegistryRefusals"/>).
    /// </summary>
    public long RefusedReadings { get; init; }

    /// <summary>The reason of the last refused reading: sensor_limit, node_limit or registry_full; null when none.</summary>
    public string? RefusedReason { get; init; }

    /// <summary>No health and no telemetry for longer than the node's health interval allows.</summary>
    public bool Silent { get; init; }

    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    public IReadOnlyList<SensorView> Sensors { get; set; } = [];
}

namespace CityBrain.Hub.Health;

/// <summary>Options of the sensor health registry (section <c>Hub:Health</c>).</summary>
public sealed class HealthRegistryOptions
{
    public const string Section = "Hub:Health";

    /// <summary>Where the registry's snapshot is kept across restarts (JSON, written atomically). Empty: not persisted.</summary>
    public string SnapshotPath { get; set; } = "/var/lib/citybrain-hub/health-registry.json";

    /// <summary>How often the snapshot is written (it is also written at shutdown).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A sensor is stale when silent longer than its interval × this factor.</summary>
    public double SensorStaleFactor { get; set; } = 3;

    /// <summary>A node is stale when neither health nor telemetry came for its health interval × this factor.</summary>
    public double NodeStaleFactor { get; set; } = 3;

    /// <summary>Least silence before anything is called stale, whatever its interval (absorbs batching and jitter).</summary>
    public TimeSpan MinimumStaleSlack { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Health interval assumed for a node that has not sent a health message yet.</summary>
    public TimeSpan DefaultHealthInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Above this many nodes the registry still accepts new nodes but logs a warning for each.</summary>
    public int NodeCountWarning { get; set; } = 20_000;

    /// <summary>Hard cap of nodes (new nodes beyond it are ignored and counted).</summary>
    public int MaxNodes { get; set; } = 100_000;

    /// <summary>Hard cap of sensors per node and of quantities per sensor.</summary>
    public int MaxSensorsPerNode { get; set; } = 256;

    /// <summary>
    /// Hard cap of sensor-quantities (a sensor's quantity, each with its sparkline: ~0.36 KB) one node may hold in the
    /// registry. Beyond it the node's new sensors and quantities are not tracked (their readings are still stored),
    /// counted in the node's view with the reason <c>node_limit</c>. Without it one node could take the whole heap
    /// (256 sensors × 256 quantities ≈ 23 MB).
    /// </summary>
    public int MaxQuantitiesPerNode { get; set; } = 2048;

    /// <summary>
    /// Hard cap of sensor-quantities in the whole registry (default 50,000 ≈ 17 MB: what the sizing rule of deploy/systemd/citybrain-hub.service fits in the 52 MiB heap
    /// cap with the in-flight window; raise both together, ~0.5 MiB per 1,000 more, see deploy/scaling.md). Beyond it
    /// new sensors and quantities are not tracked (readings still stored), counted with the reason <c>registry_full</c>.
    /// </summary>
    public int MaxQuantities { get; set; } = 50_000;

    /// <summary>Width of a sparkline point (one average per bucket, the last hour kept).</summary>
    public TimeSpan SparklineBucket { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Number of sparkline points kept per quantity (60 × 1 min = the last hour).</summary>
    public int SparklinePoints { get; set; } = 60;
}

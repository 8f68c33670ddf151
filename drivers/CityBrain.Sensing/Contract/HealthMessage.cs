using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The retained, periodic <c>health</c> message (schema <c>health.v1</c>): buffer depth and age, drops by reason,
/// publishing, and per-sensor status with the last error.
/// </summary>
public sealed record HealthMessage
{
    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary>Unix milliseconds when the message was made.</summary>
    [JsonPropertyName("ts")]
    public long Timestamp { get; init; }

    [JsonPropertyName("boot")]
    public string? Boot { get; init; }

    [JsonPropertyName("uptimeS")]
    public long UptimeSeconds { get; init; }

    /// <summary>Resident memory of the edge process in bytes.</summary>
    [JsonPropertyName("memoryBytes")]
    public long MemoryBytes { get; init; }

    /// <summary>Expected seconds until the next health message (the hub marks the node stale after a few missed).</summary>
    [JsonPropertyName("intervalS")]
    public int IntervalSeconds { get; init; }

    [JsonPropertyName("buffer")]
    public required BufferHealth Buffer { get; init; }

    [JsonPropertyName("publish")]
    public required PublishHealth Publish { get; init; }

    [JsonPropertyName("sensors")]
    public required IReadOnlyList<SensorHealth> Sensors { get; init; }

    /// <summary>The configuration revision the node runs and the outcome of its last change (null from older nodes).</summary>
    [JsonPropertyName("config")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfigInfo? Config { get; init; }
}

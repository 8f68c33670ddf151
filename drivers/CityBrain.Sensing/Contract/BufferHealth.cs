using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>The node's buffer in a health message.</summary>
public sealed record BufferHealth
{
    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "disk";

    [JsonPropertyName("readings")]
    public long Readings { get; init; }

    [JsonPropertyName("bytes")]
    public long Bytes { get; init; }

    /// <summary>Age in seconds of the oldest buffered reading (0 when empty).</summary>
    [JsonPropertyName("oldestAgeS")]
    public double OldestAgeSeconds { get; init; }

    [JsonPropertyName("nextSeq")]
    public long NextSeq { get; init; }

    /// <summary>
    /// <c>ok</c>, <c>degraded</c> (storage refuses writes; readings held in memory, see <see cref="HeldInMemory"/>) or
    /// <c>clock_held</c> (the wall clock is not set; nothing is published or expired). Absent from older nodes: ok.
    /// </summary>
    [JsonPropertyName("state")]
    public string State { get; set; } = "ok";

    /// <summary>Readings held only in memory while storage refuses writes (lost if the process stops before it recovers).</summary>
    [JsonPropertyName("held")]
    public long HeldInMemory { get; init; }

    /// <summary>Why the state is not ok (the storage error, or the clock), else null.</summary>
    [JsonPropertyName("problem")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }

    /// <summary>Readings dropped, by reason: <c>overflow</c>, <c>expired</c>, <c>corrupt</c>, <c>disk_full</c>.</summary>
    [JsonPropertyName("dropped")]
    public required IReadOnlyDictionary<string, long> Dropped { get; init; }

    [JsonPropertyName("bytesWritten")]
    public long BytesWritten { get; init; }
}

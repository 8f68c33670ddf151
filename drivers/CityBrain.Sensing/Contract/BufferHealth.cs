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

    /// <summary>Readings dropped, by reason: <c>overflow</c>, <c>expired</c>, <c>corrupt</c>.</summary>
    [JsonPropertyName("dropped")]
    public required IReadOnlyDictionary<string, long> Dropped { get; init; }

    [JsonPropertyName("bytesWritten")]
    public long BytesWritten { get; init; }
}

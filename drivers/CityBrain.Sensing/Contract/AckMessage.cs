using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The hub's end-to-end acknowledgement on <c>{node topic}/ack</c> (schema <c>ack.v1</c>): the node's readings the hub
/// has handled for good (stored in every sink, or dead-lettered on disk), as inclusive sequence ranges. Several hub
/// instances each acknowledge what they handled; a range may be acknowledged more than once.
/// </summary>
public sealed record AckMessage
{
    /// <summary>The largest number of ranges one message carries (a hub splits longer lists; a node refuses longer ones).</summary>
    public const int MaxRanges = 1024;

    // `set`, not `init`: see DeadLetterMessage (the source generator and defaults of required-member types).
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary>When the hub published it (Unix ms).</summary>
    [JsonPropertyName("ts")]
    public long Timestamp { get; init; }

    /// <summary>Inclusive <c>[first, last]</c> sequence ranges, ascending and disjoint.</summary>
    [JsonPropertyName("ranges")]
    public required IReadOnlyList<long[]> Ranges { get; init; }

    /// <summary>The hub instance that sent it (diagnosis only).</summary>
    [JsonPropertyName("hub")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hub { get; init; }
}

using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The node's retained answer on <c>citybrain/v1/{district}/{grid}/{node}/config/state</c> (schema
/// <c>config-state.v1</c>): what became of a configuration pushed to it or edited on it.
/// </summary>
public sealed record ConfigStateMessage
{
    public const string Applied = "applied";
    public const string Rejected = "rejected";
    public const string RolledBack = "rolled_back";

    public const string FromPush = "push";
    public const string FromFile = "file";

    // `set`, not `init`: see StatusMessage (dotnet/runtime#84484).
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary>The revision this answer is about (the pushed or edited configuration's).</summary>
    [JsonPropertyName("revision")]
    public long Revision { get; init; }

    /// <summary><c>applied</c>, <c>rejected</c> or <c>rolled_back</c>.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    /// <summary>Why rejected or rolled back; what was checked when applied.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>The revision the node runs now.</summary>
    [JsonPropertyName("running")]
    public long Running { get; init; }

    /// <summary><c>push</c> (the config topic) or <c>file</c> (edited on the node).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>Unix milliseconds of the outcome.</summary>
    [JsonPropertyName("ts")]
    public long Timestamp { get; init; }
}

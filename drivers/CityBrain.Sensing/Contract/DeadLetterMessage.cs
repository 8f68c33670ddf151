using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// What the hub publishes on <see cref="Topics.DeadLetter"/> for input it rejected (schema <c>deadletter.v1</c>):
/// the reason, where it came from, and the start of the payload (base64) for diagnosis; one line of the hub's
/// dead-letter files, where it also holds the whole rejected payload. A whole message, one reading of a message whose
/// other readings were stored (<see cref="Reading"/>), or one point the database refused (<see cref="Line"/>).
/// </summary>
public sealed record DeadLetterMessage
{
    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    /// <summary>A <see cref="ContractViolation"/> code (<c>write_rejected</c> for points the database refused).</summary>
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("topic")]
    public required string Topic { get; init; }

    [JsonPropertyName("receivedTs")]
    public long ReceivedTimestamp { get; init; }

    [JsonPropertyName("payloadBytes")]
    public long PayloadBytes { get; init; }

    /// <summary>At most the first 1 KiB of the payload, base64.</summary>
    [JsonPropertyName("payloadHead")]
    public string? PayloadHead { get; init; }

    [JsonPropertyName("hub")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hub { get; init; }

    /// <summary>The node of the topic (absent when the topic was not a node's).</summary>
    [JsonPropertyName("node")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }

    /// <summary>The rejected reading's sequence number, when it could be read.</summary>
    [JsonPropertyName("seq")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seq { get; init; }

    /// <summary>The rejected reading's sensor id, when it could be read and is valid.</summary>
    [JsonPropertyName("sensor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sensor { get; init; }

    /// <summary>One rejected reading, its JSON exactly as received (the other readings of its message were stored).</summary>
    [JsonPropertyName("reading")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reading { get; init; }

    /// <summary>One point the database refused, as the line-protocol line sent.</summary>
    [JsonPropertyName("line")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Line { get; init; }

    /// <summary>The whole rejected payload, base64: in the hub's dead-letter files only (not published), absent for <c>too_large</c>.</summary>
    [JsonPropertyName("payload")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Payload { get; init; }
}

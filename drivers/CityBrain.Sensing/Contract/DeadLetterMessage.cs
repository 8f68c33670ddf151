using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// What the hub publishes on <see cref="Topics.DeadLetter"/> for input it rejected (schema <c>deadletter.v1</c>):
/// the reason, where it came from, and the start of the payload (base64) for diagnosis.
/// </summary>
public sealed record DeadLetterMessage
{
    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    /// <summary>A <see cref="ContractViolation"/> code, or <c>write_rejected</c> for points the database refused.</summary>
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
}

using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>The node's MQTT publishing in a health message.</summary>
public sealed record PublishHealth
{
    [JsonPropertyName("connected")]
    public bool Connected { get; init; }

    [JsonPropertyName("reconnects")]
    public long Reconnects { get; init; }

    [JsonPropertyName("messages")]
    public long Messages { get; init; }

    [JsonPropertyName("readings")]
    public long Readings { get; init; }

    /// <summary>Median time from a reading's source timestamp to its PUBACK, over the last interval.</summary>
    [JsonPropertyName("latencyP50Ms")]
    public double LatencyP50Ms { get; init; }

    [JsonPropertyName("latencyP99Ms")]
    public double LatencyP99Ms { get; init; }

    /// <summary>
    /// Telemetry messages the broker answered 0x10 "No matching subscribers" since the node started: nobody (no hub
    /// session) took them, so their readings were kept and retried. Rising means the hub's session is missing.
    /// </summary>
    [JsonPropertyName("noSubscribers")]
    public long NoSubscribers { get; init; }

    /// <summary>True while telemetry is held because the broker reports no subscriber (readings wait in the buffer).</summary>
    [JsonPropertyName("held")]
    public bool Held { get; init; }

    /// <summary>
    /// Readings acknowledged by the broker and awaiting the hub's end-to-end acknowledgement (<c>deliveryAck: hub</c>;
    /// null with <c>broker</c>). Rising while telemetry flows means the hub does not acknowledge.
    /// </summary>
    [JsonPropertyName("awaitingHub")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AwaitingHub { get; init; }

    /// <summary>
    /// Readings sent again since the node started because the hub acknowledged later readings but not these: the
    /// broker (or a lost hub instance's session) lost them on the way (<c>deliveryAck: hub</c>).
    /// </summary>
    [JsonPropertyName("resent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Resent { get; init; }

    [JsonPropertyName("lastError")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LastError { get; init; }
}

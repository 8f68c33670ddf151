using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// The retained <c>status</c> message (schema <c>status.v1</c>). Online is the node's birth certificate: where it
/// stands, what it runs and which sensors it reads at which interval (the hub uses that to detect stale sensors).
/// The broker publishes the offline variant as the node's Will when the connection is lost.
/// </summary>
public sealed record StatusMessage
{
    public const string Online = "online";
    public const string Offline = "offline";

    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary><c>online</c> or <c>offline</c>.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    /// <summary>Unix milliseconds when this state began (for the Will: when the connection it guards was made).</summary>
    [JsonPropertyName("ts")]
    public long Timestamp { get; init; }

    /// <summary>Why offline: <c>connection_lost</c> (Will) or <c>shutdown</c>.</summary>
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Random id of this process run; changes at every restart.</summary>
    [JsonPropertyName("boot")]
    public string? Boot { get; init; }

    [JsonPropertyName("software")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Software { get; init; }

    [JsonPropertyName("location")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LocationInfo? Location { get; init; }

    [JsonPropertyName("sensors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SensorInfo>? Sensors { get; init; }

    /// <summary>The configuration revision the node runs and the outcome of its last change (null from older nodes).</summary>
    [JsonPropertyName("config")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfigInfo? Config { get; init; }
}

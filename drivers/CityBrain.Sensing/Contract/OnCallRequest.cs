using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// A request to a node on <c>citybrain/v1/{district}/{grid}/{node}/cmd</c> (schema <c>oncall-request.v1</c>), sent as
/// MQTT 5 with a Response Topic (<see cref="Topics.ReplyFor"/>) and Correlation Data, which the answer
/// (<see cref="OnCallResponse"/>) carries back. The only operation today is <see cref="Read"/>: poll one sensor now.
/// </summary>
public sealed record OnCallRequest
{
    public const string Read = "read";

    // `set`, not `init`: see StatusMessage (dotnet/runtime#84484).
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    /// <summary>The operation: <c>read</c>.</summary>
    [JsonPropertyName("op")]
    public string? Op { get; init; }

    /// <summary>The sensor to read (its id in the node's configuration).</summary>
    [JsonPropertyName("sensor")]
    public string? Sensor { get; init; }

    /// <summary>Unix milliseconds after which the node must not execute the request (it answers <c>expired</c>).</summary>
    [JsonPropertyName("expires")]
    public long Expires { get; init; }

    /// <summary>Who asks (recorded in the node's log), optional.</summary>
    [JsonPropertyName("by")]
    public string? By { get; init; }
}

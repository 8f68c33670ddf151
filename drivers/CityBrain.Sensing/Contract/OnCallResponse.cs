using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>
/// A node's answer to an <see cref="OnCallRequest"/> (schema <c>oncall-response.v1</c>), published QoS 1 on the
/// request's Response Topic with its Correlation Data. <see cref="Status"/> says which fields are set: <c>ok</c>
/// (readings, maybe faults of some channels), <c>fault</c> (the sensor was polled and failed: faults), <c>error</c>
/// (the request was not executed: <see cref="Error"/> and <see cref="Message"/>).
/// </summary>
public sealed record OnCallResponse
{
    public const string Ok = "ok";
    public const string Fault = "fault";
    public const string Failed = "error";

    /// <summary>The request is not valid JSON, has an unknown version or operation, or misses a field.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The node has no sensor with the requested id.</summary>
    public const string UnknownSensor = "unknown_sensor";

    /// <summary>The node's on-call budget (a token bucket) is spent: ask again later.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The node already runs its maximum of on-call reads.</summary>
    public const string Busy = "busy";

    /// <summary>The request arrived after its <c>expires</c> time and was not executed.</summary>
    public const string Expired = "expired";

    /// <summary>The sensor's bus or driver did not become free before the request expired.</summary>
    public const string Timeout = "timeout";

    // `set`, not `init`: see StatusMessage (dotnet/runtime#84484).
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary>The requested sensor (as asked, when the request could be read).</summary>
    [JsonPropertyName("sensor")]
    public string? Sensor { get; init; }

    /// <summary><c>ok</c>, <c>fault</c> or <c>error</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>With <c>error</c>: <c>bad_request</c>, <c>unknown_sensor</c>, <c>rate_limited</c>, <c>busy</c>, <c>expired</c> or <c>timeout</c>.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>With <c>error</c>: what was wrong and what to do, in words.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("readings")]
    public IReadOnlyList<OnCallReading> Readings { get; init; } = [];

    [JsonPropertyName("faults")]
    public IReadOnlyList<FaultInfo> Faults { get; init; } = [];

    /// <summary>Unix milliseconds of the answer.</summary>
    [JsonPropertyName("ts")]
    public long Timestamp { get; init; }
}

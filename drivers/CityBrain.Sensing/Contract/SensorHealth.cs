using System.Text.Json.Serialization;

namespace CityBrain.Sensing.Contract;

/// <summary>One sensor in a health message.</summary>
public sealed record SensorHealth
{
    public const string Ok = "ok";
    public const string Fault = "fault";
    public const string Idle = "idle";

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary><c>ok</c>, <c>fault</c> (the last poll failed) or <c>idle</c> (not polled yet).</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>Unix milliseconds of the last successful reading, if any.</summary>
    [JsonPropertyName("lastReadingTs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LastReadingTs { get; init; }

    [JsonPropertyName("lastError")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FaultInfo? LastError { get; init; }

    [JsonPropertyName("sampled")]
    public long Sampled { get; init; }

    [JsonPropertyName("filtered")]
    public long Filtered { get; init; }

    [JsonPropertyName("faults")]
    public long Faults { get; init; }

    [JsonPropertyName("overruns")]
    public long Overruns { get; init; }

    /// <summary>Readings born from events between polls (a lid opened), for event-driven drivers.</summary>
    [JsonPropertyName("events")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Events { get; init; }

    /// <summary>Driver facts (<see cref="ISensorDiagnostics"/>): chip and library driver chosen, last edge, pulses missed while down.</summary>
    [JsonPropertyName("detail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Detail { get; init; }
}

using System.Text.Json.Serialization;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// The wire form of an alert on <c>citybrain/v1/_alerts/{district}/{grid}/{node}/{rule}[/{sensor}]</c> (schema
/// <c>alert.v1</c>, firmware-config/schemas/alert.v1.schema.json; docs/alerts.md). Times are Unix milliseconds.
/// </summary>
public sealed record AlertMessage
{
    // `set`, not `init`: the JSON source generator (NativeAOT) drops the default of a missing `init` property of a type
    // with required members (dotnet/runtime#84484); tests/CityBrain.Hub.Tests/Serialization checks it survives.
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("rule")]
    public required string Rule { get; init; }

    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("node")]
    public required string Node { get; init; }

    [JsonPropertyName("sensor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sensor { get; init; }

    [JsonPropertyName("quantity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Quantity { get; init; }

    [JsonPropertyName("district")]
    public required string District { get; init; }

    [JsonPropertyName("grid")]
    public required string Grid { get; init; }

    [JsonPropertyName("street")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Street { get; init; }

    [JsonPropertyName("value")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Value { get; init; }

    [JsonPropertyName("unit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Unit { get; init; }

    [JsonPropertyName("threshold")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Threshold { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("raisedTs")]
    public long RaisedTs { get; init; }

    [JsonPropertyName("clearedTs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ClearedTs { get; init; }

    [JsonPropertyName("ackBy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AckBy { get; init; }

    [JsonPropertyName("ackTs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AckTs { get; init; }

    public static AlertMessage From(Alert a) => new()
    {
        Id = a.Id,
        Rule = a.Rule,
        Kind = a.Kind,
        Severity = a.Severity,
        State = a.State,
        Node = a.Node,
        Sensor = a.Sensor,
        Quantity = a.Quantity,
        District = a.District,
        Grid = a.Grid,
        Street = a.Street,
        Value = a.Value,
        Unit = a.Unit,
        Threshold = a.Threshold,
        Message = a.Message,
        RaisedTs = a.RaisedAt.ToUnixTimeMilliseconds(),
        ClearedTs = a.ClearedAt?.ToUnixTimeMilliseconds(),
        AckBy = a.AckBy,
        AckTs = a.AckAt?.ToUnixTimeMilliseconds(),
    };
}

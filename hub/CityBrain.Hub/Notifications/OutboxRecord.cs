using System.Text.Json.Serialization;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// One line of <c>outbox.jsonl</c>: <c>add</c> (a notification to send, with its body) or <c>done</c> (delivered,
/// refused by the receiver for good, or remembered as sent after a compaction).
/// </summary>
public sealed record OutboxRecord
{
    public const string Add = "add";
    public const string Done = "done";

    [JsonPropertyName("t")]
    public required string Type { get; init; }

    [JsonPropertyName("key")]
    public required string Key { get; init; }

    [JsonPropertyName("channel")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Channel { get; init; }

    [JsonPropertyName("alert")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AlertId { get; init; }

    [JsonPropertyName("event")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Event { get; init; }

    [JsonPropertyName("level")]
    public int Level { get; init; }

    [JsonPropertyName("body")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; init; }

    /// <summary>For <c>done</c>: delivered, rejected (the receiver refused it for good).</summary>
    [JsonPropertyName("result")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Result { get; init; }
}

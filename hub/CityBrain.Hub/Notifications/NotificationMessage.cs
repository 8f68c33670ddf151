using System.Text.Json.Serialization;
using CityBrain.Hub.Alerts;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// The body POSTed to a webhook (schema <c>notification.v1</c>, firmware-config/schemas/notification.v1.schema.json;
/// docs/alerts.md). <see cref="Key"/> is also sent as the <c>Idempotency-Key</c> header: a receiver that keeps the keys
/// it has seen gets every notification exactly once, whatever the hub retried.
/// </summary>
public sealed record NotificationMessage
{
    // `set`, not `init`: see AlertMessage.Version (source-generated JSON drops the default of a missing init property).
    [JsonPropertyName("v")]
    public int Version { get; set; } = 1;

    /// <summary><c>{alert id}:{event}[:{level}]:{channel}</c>, the same in every retry and after a hub restart.</summary>
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    /// <summary>See <see cref="NotificationEvents"/>.</summary>
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    /// <summary>The level whose channels this went to (grid, street, district, city); for <c>escalated</c> the new level.</summary>
    [JsonPropertyName("level")]
    public required string Level { get; init; }

    [JsonPropertyName("channel")]
    public required string Channel { get; init; }

    /// <summary>The hub instance that sent it (<c>Hub:InstanceName</c>).</summary>
    [JsonPropertyName("hub")]
    public required string Hub { get; init; }

    /// <summary>When the event happened (Unix milliseconds): raised, acknowledged, cleared or escalated.</summary>
    [JsonPropertyName("ts")]
    public long Ts { get; init; }

    /// <summary>The alert as it stood after the event (schema <c>alert.v1</c>).</summary>
    [JsonPropertyName("alert")]
    public required AlertMessage Alert { get; init; }
}

using System.Text.Json.Serialization;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// One edge node's configuration file (schema <c>node-config.v1</c>, firmware-config/schemas). Loaded and checked by
/// <see cref="NodeConfigurationLoader"/>; every default here is what a node does when the field is absent.
/// </summary>
public sealed record NodeConfiguration
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public int Version { get; set; } = 1;

    /// <summary>Increases with every change pushed to the node (signed push and rollback compare it).</summary>
    public long Revision { get; init; }

    public required NodeSection Node { get; init; }

    public required MqttSection Mqtt { get; init; }

    public BufferSection Buffer { get; set; } = new();

    public PublishSection Publish { get; set; } = new();

    /// <summary>Limits of on-call reads asked on the node's <c>cmd</c> topic.</summary>
    public OnCallSection OnCall { get; set; } = new();

    public IReadOnlyList<BusSection> Buses { get; set; } = [];

    public required IReadOnlyList<SensorSection> Sensors { get; init; }
}

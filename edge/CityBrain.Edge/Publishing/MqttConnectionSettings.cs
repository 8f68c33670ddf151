using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;

namespace CityBrain.Edge.Publishing;

/// <summary>Everything the connection supervisor needs, resolved from the node configuration (password read from its file).</summary>
public sealed record MqttConnectionSettings
{
    public required NodeIdentity Node { get; init; }

    public required MqttSection Mqtt { get; init; }

    /// <summary>Directory against which relative certificate and password paths resolve.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>The configured client id, else the user name (the shipped broker makes the user name the client id), else the node id.</summary>
    public string ClientId => Mqtt.ClientId ?? Mqtt.Username ?? Node.NodeId;

    /// <summary>Runs after every connect before the birth is published (subscribe to the node's cmd and config topics); failures count as a failed connect.</summary>
    public Func<MQTTnet.IMqttClient, CancellationToken, Task>? OnConnectedAsync { get; init; }
}

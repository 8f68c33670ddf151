using CityBrain.Sensing.Contract;
using MQTTnet;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// What a host that swaps configurations in-process (<see cref="Provisioning.ConfigRuntime"/>) adds to a node: it keeps
/// the buffer across nodes, hears the node's <c>config</c> topic, and has the running revision announced.
/// </summary>
public sealed record EdgeNodeHooks
{
    /// <summary>False when the buffer outlives the node (the next configuration's node runs over it).</summary>
    public bool OwnsBuffer { get; init; } = true;

    /// <summary>Runs after every connect, before the birth (subscribe to <c>config</c>, re-publish <c>config/state</c>).</summary>
    public Func<IMqttClient, CancellationToken, Task>? OnConnectedAsync { get; init; }

    /// <summary>The revision and last apply outcome for status and health.</summary>
    public Func<ConfigInfo?>? Config { get; init; }
}

namespace CityBrain.Hub.Health;

/// <summary>The node's MQTT publishing from its last health message.</summary>
public sealed record NodePublishView(
    bool Connected,
    long Reconnects,
    double LatencyP50Ms,
    double LatencyP99Ms,
    string? LastError)
{
    /// <summary>Telemetry messages the broker answered 'no matching subscribers' (the node kept and retries them).</summary>
    public long NoSubscribers { get; init; }

    /// <summary>True while the node holds telemetry because the broker reports no subscriber (the hub's session is missing).</summary>
    public bool Held { get; init; }
}

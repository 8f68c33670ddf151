namespace CityBrain.Hub.Health;

/// <summary>The node's MQTT publishing from its last health message.</summary>
public sealed record NodePublishView(
    bool Connected,
    long Reconnects,
    double LatencyP50Ms,
    double LatencyP99Ms,
    string? LastError);

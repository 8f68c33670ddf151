using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// Sees every valid message the hub receives, after validation (the health registry, alerts and the operators' view
/// are observers). Called on the ingest path: implementations must be fast and must not throw or block.
/// </summary>
public interface INodeObserver
{
    /// <summary>A valid telemetry batch (every instance of a scaled-out hub sees only its share).</summary>
    void OnTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset receivedAt);

    /// <summary>A status (birth or Will); <paramref name="status"/> is null when the retained status was cleared.</summary>
    void OnStatus(NodeTopic topic, StatusMessage? status, DateTimeOffset receivedAt);

    /// <summary>A node's periodic health message.</summary>
    void OnHealth(NodeTopic topic, HealthMessage health, DateTimeOffset receivedAt);
}

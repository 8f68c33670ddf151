using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// The <see cref="INodeObserver"/> the ingest calls: the registry first (so alerts see the node's latest state), then
/// the alert engine. Both never throw.
/// </summary>
public sealed class HealthAndAlertsObserver(HealthRegistry registry, AlertEngine alerts) : INodeObserver
{
    public void OnTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset receivedAt)
    {
        registry.OnTelemetry(topic, message, receivedAt);
        alerts.OnTelemetry(topic, message, receivedAt);
    }

    public void OnStatus(NodeTopic topic, StatusMessage? status, DateTimeOffset receivedAt)
    {
        registry.OnStatus(topic, status, receivedAt);
        alerts.OnNodeChanged(topic.Node);
    }

    public void OnHealth(NodeTopic topic, HealthMessage health, DateTimeOffset receivedAt)
    {
        registry.OnHealth(topic, health, receivedAt);
    }
}

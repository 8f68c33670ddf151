using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Ingest;

/// <summary>What the hub does with one MQTT message (see <see cref="MessageRouter"/>).</summary>
public sealed record RoutedMessage(
    RouteKind Kind,
    NodeTopic Topic = default,
    ContractViolation? Violation = null,
    TelemetryMessage? Telemetry = null,
    StatusMessage? Status = null,
    HealthMessage? Health = null)
{
    public static readonly RoutedMessage Ignored = new(RouteKind.Ignore);

    public static RoutedMessage Rejected(string code, string message, NodeTopic topic = default) =>
        new(RouteKind.Reject, topic, new ContractViolation(code, message));
}

using CityBrain.Provisioning.Registry;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The hub's one check of a node's claimed location against the grid registry, at the message level: a telemetry,
/// status or health message whose topic puts the node in another district or grid than the registry does (or whose
/// node the registry does not know), or whose status names another place, is rejected as
/// <see cref="ContractViolation.LocationMismatch"/> — dead-lettered with the reason and counted per code
/// (<c>citybrain_hub_rejected_total{code="location_mismatch"}</c>), never written.
/// </summary>
public static class LocationCheck
{
    /// <summary><paramref name="routed"/> unchanged when its location matches (or it is not node input), else a rejection.</summary>
    public static RoutedMessage Apply(GridRegistry registry, RoutedMessage routed)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(routed);
        if (routed.Kind is not (RouteKind.Telemetry or RouteKind.Status or RouteKind.Health))
        {
            return routed;
        }

        var topic = routed.Topic;
        string reason;
        bool matches = registry.Matches(topic.Node, topic.District, topic.Grid, out reason)
            && (routed.Status?.Location is not { } claimed || registry.MatchesClaimedPlace(topic.Node, claimed.City, claimed.District, claimed.Street, claimed.Grid, out reason));
        if (matches)
        {
            return routed;
        }

        if (routed.Telemetry is not null)
        {
            ReadingBuffers.Return(routed.Telemetry);
        }

        return RoutedMessage.Rejected(ContractViolation.LocationMismatch, reason, topic);
    }
}

using System.Text.Json.Serialization;
using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// One node in the <c>state</c> event of <c>GET /api/events</c>: what a card shows (status, last seen, buffer,
/// publishing, sequence, sensors per status) for every node of the city, and where it is in the hierarchy (city →
/// district → street → community → grid: the page groups by every level); <see cref="InScope"/> when it matches the
/// client's filters; <see cref="Sensors"/> (without sparklines) only when it is in scope and the scope holds at most
/// <see cref="OperatorViewOptions.MaxDetailSensors"/> sensors.
/// </summary>
public sealed record NodeSummary
{
    public required string Node { get; init; }

    public required string District { get; init; }

    public required string Grid { get; init; }

    public string? Street { get; init; }

    /// <summary>The city, from the grid registry or else the node's status; null when neither says.</summary>
    public string? City { get; init; }

    /// <summary>The community of the node's grid: only the grid registry knows it (null without one, or for an unregistered grid).</summary>
    public string? Community { get; init; }

    public required string Status { get; init; }

    public required string State { get; init; }

    public string? OfflineReason { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public NodeBufferView? Buffer { get; init; }

    public NodePublishView? Publish { get; init; }

    public required NodeSequenceView Sequence { get; init; }

    public bool Restored { get; init; }

    public bool Silent { get; init; }

    public required SensorCounts SensorCounts { get; init; }

    public bool InScope { get; init; }

    public IReadOnlyList<SensorView>? Sensors { get; init; }

    /// <param name="place">The grid's place in the registry, when the hub has one and the grid is in it: it fills the levels the node does not report (community always).</param>
    public static NodeSummary Of(NodeView view, bool inScope, CityBrain.Provisioning.Registry.GridPlace? place = null) => new()
    {
        Node = view.Node,
        District = view.District,
        Grid = view.Grid,
        Street = view.Street ?? place?.Street,
        City = place?.City ?? view.City,
        Community = place?.Community,
        Status = view.Status,
        State = view.State,
        OfflineReason = view.OfflineReason,
        LastSeen = view.LastSeen,
        Buffer = view.Buffer,
        Publish = view.Publish,
        Sequence = view.Sequence,
        Restored = view.Restored,
        Silent = view.Silent,
        SensorCounts = SensorCounts.Of(view.Sensors),
        InScope = inScope,
    };
}

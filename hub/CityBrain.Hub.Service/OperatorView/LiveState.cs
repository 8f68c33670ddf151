using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>One live update of the page (the <c>state</c> event of <c>GET /api/events</c>).</summary>
public sealed record LiveState(long Version, DateTimeOffset GeneratedAt, IReadOnlyList<NodeView> Nodes, AlertsResponse Alerts);

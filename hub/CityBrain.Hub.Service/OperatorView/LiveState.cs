namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// One live update of the page (the <c>state</c> event of <c>GET /api/events</c>, and <c>GET /api/state</c>): every
/// node's summary, the detail of those in scope when the scope is small enough, and the alerts. Written node by node
/// by <see cref="LiveViewWriter"/>; this record is its shape (for readers and tests).
/// </summary>
public sealed record LiveState(long Version, DateTimeOffset GeneratedAt, ViewScope Scope, IReadOnlyList<NodeSummary> Nodes, AlertsResponse Alerts);

using CityBrain.Hub.Alerts;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary><c>GET /api/alerts</c>: the active alerts and the most recently cleared ones.</summary>
public sealed record AlertsResponse(IReadOnlyList<Alert> Active, IReadOnlyList<Alert> Recent);

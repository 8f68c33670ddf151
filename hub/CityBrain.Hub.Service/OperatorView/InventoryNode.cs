using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// <c>GET /api/catalogue/inventory</c>, one node the hub knows: where it is and what it measures (no values). With the
/// quantity catalogue (<c>/api/catalogue</c>) it answers "which nodes, sensors, quantities, units, intervals and
/// locations does the city have?".
/// </summary>
public sealed record InventoryNode(string Node, string? City, string District, string? Street, string Grid, IReadOnlyList<InventorySensor> Sensors)
{
    public static InventoryNode From(NodeView view) => new(
        view.Node,
        view.City,
        view.District,
        view.Street,
        view.Grid,
        [.. view.Sensors.Select(s => new InventorySensor(s.Id, s.Driver, s.IntervalMs, [.. s.Quantities.Select(q => new InventoryQuantity(q.Quantity, q.Unit, q.Catalogue))]))]);
}

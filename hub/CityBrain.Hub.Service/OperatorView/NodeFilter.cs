using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>The API's node filters: district, grid, status and free text (node, street, sensor or quantity).</summary>
public sealed record NodeFilter(string? District, string? Grid, string? Status, string? Text)
{
    public bool Matches(NodeView node) =>
        (string.IsNullOrEmpty(District) || node.District == District)
        && (string.IsNullOrEmpty(Grid) || node.Grid == Grid)
        && (string.IsNullOrEmpty(Status) || node.Status == Status)
        && (string.IsNullOrEmpty(Text) || ContainsText(node, Text));

    private static bool ContainsText(NodeView node, string text) =>
        node.Node.Contains(text, StringComparison.OrdinalIgnoreCase)
        || (node.Street?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
        || node.Sensors.Any(s => s.Id.Contains(text, StringComparison.OrdinalIgnoreCase)
            || s.Quantities.Any(q => q.Quantity.Contains(text, StringComparison.OrdinalIgnoreCase)));
}

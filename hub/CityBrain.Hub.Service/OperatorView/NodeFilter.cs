using CityBrain.Hub.Health;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The API's node filters: district, grid, status and free text (node, street, sensor or quantity). Also the scope of
/// a live-stream client and the key of its cached payload (<see cref="From"/> normalises it). <see cref="Limit"/> is the
/// viewer's (<see cref="Viewer.Limit"/>): nodes and alerts outside it are not in the payload at all.
/// </summary>
public sealed record NodeFilter(string? District, string? Grid, string? Status, string? Text, ViewLimit? Limit = null)
{
    /// <summary>Longest filter value kept (a longer one is cut): the filters are cache keys.</summary>
    public const int MaxLength = 128;

    public static NodeFilter All { get; } = new(null, null, null, null);

    /// <summary>The filter of query parameters: trimmed, empty as null, at most <see cref="MaxLength"/> characters each.</summary>
    public static NodeFilter From(string? district, string? grid, string? status, string? text, ViewLimit? limit = null) =>
        new(Clean(district), Clean(grid), Clean(status), Clean(text), limit);

    /// <summary>Whether the viewer may see <paramref name="node"/> at all (its summary is sent, matching or not).</summary>
    public bool Sees(NodeView node) => Limit?.Allows(node.District, node.Street) ?? true;

    /// <summary>Whether the viewer may see <paramref name="alert"/>.</summary>
    public bool Sees(CityBrain.Hub.Alerts.Alert alert) => Limit?.Allows(alert.District, alert.Street) ?? true;

    public bool Matches(NodeView node) =>
        Sees(node)
        && (string.IsNullOrEmpty(District) || node.District == District)
        && (string.IsNullOrEmpty(Grid) || node.Grid == Grid)
        && (string.IsNullOrEmpty(Status) || node.Status == Status)
        && (string.IsNullOrEmpty(Text) || ContainsText(node, Text));

    private static bool ContainsText(NodeView node, string text) =>
        node.Node.Contains(text, StringComparison.OrdinalIgnoreCase)
        || (node.Street?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
        || node.Sensors.Any(s => s.Id.Contains(text, StringComparison.OrdinalIgnoreCase)
            || s.Quantities.Any(q => q.Quantity.Contains(text, StringComparison.OrdinalIgnoreCase)));

    private static string? Clean(string? value)
    {
        string? v = value?.Trim();
        return string.IsNullOrEmpty(v) ? null : v.Length > MaxLength ? v[..MaxLength] : v;
    }
}

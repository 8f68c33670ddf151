namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The part of the city a scoped token may see (<see cref="ViewToken.District"/>, <see cref="ViewToken.Street"/>): a
/// district command centre its district, a street office its street's grids. A null member sets no limit at that level.
/// Nodes, alerts and inventory entries outside it are left out of every answer (not only filtered on the page), and
/// asking for one by id answers 404 as for an unknown one.
/// </summary>
public sealed record ViewLimit(string? District, string? Street)
{
    /// <summary>Whether a node or alert at <paramref name="district"/>/<paramref name="street"/> is inside (a street limit needs the node's street, which its status message names).</summary>
    public bool Allows(string district, string? street) =>
        (District is null || string.Equals(District, district, StringComparison.Ordinal))
        && (Street is null || string.Equals(Street, street, StringComparison.Ordinal));
}

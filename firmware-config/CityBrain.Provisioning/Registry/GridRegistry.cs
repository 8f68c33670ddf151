using System.Collections.Frozen;

namespace CityBrain.Provisioning.Registry;

/// <summary>
/// The loaded and checked grid registry (<see cref="GridRegistryLoader"/>): where each grid cell and each node is in
/// the city's hierarchy. Immutable and thread-safe; lookups are dictionary reads (the hub asks once per message).
/// </summary>
public sealed class GridRegistry
{
    private readonly FrozenDictionary<string, GridPlace> _grids;
    private readonly FrozenDictionary<string, GridPlace> _nodes;

    internal GridRegistry(GridRegistryDocument document, string source)
    {
        Document = document;
        Source = source;
        var streets = document.Streets.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var communities = document.Communities.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var grids = new Dictionary<string, GridPlace>(StringComparer.Ordinal);
        var nodes = new Dictionary<string, GridPlace>(StringComparer.Ordinal);
        foreach (var grid in document.Grids)
        {
            var community = communities[grid.Community];
            var street = streets[community.Street];
            var place = new GridPlace(document.City, street.District, street.Id, community.Id, grid.Id);
            grids[grid.Id] = place;
            foreach (string node in grid.Nodes)
            {
                nodes[node] = place;
            }
        }

        _grids = grids.ToFrozenDictionary(StringComparer.Ordinal);
        _nodes = nodes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The file as written.</summary>
    public GridRegistryDocument Document { get; }

    /// <summary>Where it was loaded from (for messages).</summary>
    public string Source { get; }

    public string City => Document.City;

    /// <summary>Every grid cell with its place, in file order.</summary>
    public IEnumerable<GridPlace> Grids => Document.Grids.Select(g => _grids[g.Id]);

    /// <summary>Every registered node with its place, in file order.</summary>
    public IEnumerable<(string Node, GridPlace Place)> Nodes =>
        Document.Grids.SelectMany(g => g.Nodes.Select(n => (n, _grids[g.Id])));

    public bool TryGetGrid(string grid, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GridPlace? place) =>
        _grids.TryGetValue(grid, out place);

    public bool TryGetNode(string node, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GridPlace? place) =>
        _nodes.TryGetValue(node, out place);

    /// <summary>
    /// Whether <paramref name="node"/> is registered in <paramref name="grid"/> of <paramref name="district"/> (a node
    /// topic's levels); otherwise the reason, naming what the registry says.
    /// </summary>
    public bool Matches(string node, string district, string grid, out string reason)
    {
        if (!_nodes.TryGetValue(node, out var place))
        {
            reason = $"node '{node}' is not in the grid registry ({Source}); register it under its grid's \"nodes\"";
            return false;
        }

        if (place.Grid != grid || place.District != district)
        {
            reason = $"node '{node}' claims district '{district}', grid '{grid}'; the grid registry has it in district '{place.District}', grid '{place.Grid}'";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Whether a place a node claims in its payload (a status message's location) is the node's registered place.</summary>
    public bool MatchesClaimedPlace(string node, string city, string district, string street, string grid, out string reason)
    {
        if (_nodes.TryGetValue(node, out var place) && (place.City != city || place.District != district || place.Street != street || place.Grid != grid))
        {
            reason = $"node '{node}' claims city '{city}', district '{district}', street '{street}', grid '{grid}'; the grid registry has it in city '{place.City}', district '{place.District}', street '{place.Street}', grid '{place.Grid}'";
            return false;
        }

        reason = string.Empty;
        return true;
    }
}

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// One named token of the view (<c>Hub:OperatorView:Tokens</c>): who holds it (recorded on every acknowledgement they
/// make) and, for a district command centre, the one district it may see, for a street office the one street.
/// </summary>
public sealed class ViewToken
{
    /// <summary>Who holds the token (an id: lower-case letters, digits, '-' and '_'), e.g. <c>ops-north</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The secret, at least 16 characters; better from the environment (<c>Hub__OperatorView__Tokens__0__Token</c>).</summary>
    public string Token { get; set; } = "";

    /// <summary>When set, the holder sees and acknowledges only this district's nodes and alerts.</summary>
    public string? District { get; set; }

    /// <summary>
    /// When set, the holder (a street office) sees and acknowledges only the nodes and alerts of this street, i.e. of its
    /// grids (a node's street as its status message names it; with a grid registry the hub has checked it). Street ids
    /// are unique in the city; with <see cref="District"/> as well, both must match.
    /// </summary>
    public string? Street { get; set; }

    /// <summary>
    /// May ask nodes (within <see cref="District"/>) to read a sensor now (<c>POST /api/nodes/{node}/sensors/{sensor}/read</c>,
    /// the view's "read now" button). Off by default: the view is read-only.
    /// </summary>
    public bool ReadNow { get; set; }
}

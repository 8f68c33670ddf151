using Microsoft.AspNetCore.Http;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>Who is looking, as the <see cref="TokenGate"/> established it, and what they may see.</summary>
/// <param name="Name">The token's holder, or null when no token is configured (a loopback-only view).</param>
/// <param name="District">The one district the holder may see; null for the whole city.</param>
/// <param name="MayReadNow">May ask nodes it sees to read a sensor now (a token with <see cref="ViewToken.ReadNow"/>; never without a token).</param>
/// <param name="Street">The one street (a street office: its grids) the holder may see; null for no street limit.</param>
public sealed record Viewer(string? Name, string? District, bool MayReadNow = false, string? Street = null)
{
    private const string ItemKey = "citybrain.viewer";

    /// <summary>Anyone on a loopback view without tokens: the whole city, no name.</summary>
    public static Viewer Anonymous { get; } = new(null, null);

    public static Viewer Of(HttpContext http) => http.Items.TryGetValue(ItemKey, out var v) && v is Viewer viewer ? viewer : Anonymous;

    internal void AttachTo(HttpContext http) => http.Items[ItemKey] = this;

    /// <summary>What this viewer may see; null for the whole city.</summary>
    public ViewLimit? Limit { get; } = District is null && Street is null ? null : new ViewLimit(District, Street);

    /// <summary>The request's filters within this viewer's scope: a district token's district wins over the query's, and nothing outside <see cref="Limit"/> is in any answer.</summary>
    public NodeFilter Filter(string? district, string? grid, string? status, string? text) =>
        NodeFilter.From(District ?? district, grid, status, text, Limit);

    public bool MaySee(string district, string? street) => Limit?.Allows(district, street) ?? true;
}

namespace CityBrain.Hub.Service.OperatorView;

/// <summary><c>GET /api/viewer</c>: who the page's token belongs to and what it may do (the page shows "read now" only with <see cref="ReadNow"/>).</summary>
public sealed record ViewerInfo(string? Name, string? District, bool ReadNow, string? Street = null)
{
    public static ViewerInfo From(Viewer viewer) => new(viewer.Name, viewer.District, viewer.MayReadNow, viewer.Street);
}

namespace CityBrain.Hub.Notifications;

/// <summary>
/// The channel ids of each level (<c>Hub:Notifications:Levels</c>): an alert is first sent to <see cref="Grid"/>; when not
/// acknowledged in time it escalates to <see cref="Street"/>, then <see cref="District"/>, then <see cref="City"/>.
/// </summary>
public sealed class EscalationLevelOptions
{
    public List<string> Grid { get; } = [];

    public List<string> Street { get; } = [];

    public List<string> District { get; } = [];

    public List<string> City { get; } = [];

    /// <summary>The channel ids of a level (see <see cref="EscalationLevels"/>).</summary>
    public IReadOnlyList<string> Of(int level) => level switch
    {
        EscalationLevels.Grid => Grid,
        EscalationLevels.Street => Street,
        EscalationLevels.District => District,
        EscalationLevels.City => City,
        _ => [],
    };
}

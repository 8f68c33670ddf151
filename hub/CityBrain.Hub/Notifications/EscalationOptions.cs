namespace CityBrain.Hub.Notifications;

/// <summary>
/// When an alert of a rule that nobody acknowledged escalates (an item of <c>Hub:Notifications:Escalation</c>): each delay
/// counts from the raise; a level without a delay is skipped.
/// </summary>
public sealed class EscalationOptions
{
    /// <summary>An alert rule id, or <c>*</c> for every rule without its own entry.</summary>
    public string? Rule { get; set; }

    public TimeSpan? Street { get; set; }

    public TimeSpan? District { get; set; }

    public TimeSpan? City { get; set; }

    /// <summary>The delay of a level (null when it is skipped; the grid level is the raise itself).</summary>
    public TimeSpan? Of(int level) => level switch
    {
        EscalationLevels.Street => Street,
        EscalationLevels.District => District,
        EscalationLevels.City => City,
        _ => null,
    };
}

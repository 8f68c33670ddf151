namespace CityBrain.Hub.Health;

/// <summary>
/// What the hub saw of a node's telemetry sequence numbers: the highest, how many are still missing (a jump that no
/// late reading filled), how many gaps were seen, duplicates, and readings too late to tell.
/// </summary>
public sealed record NodeSequenceView(
    long Highest,
    long Missing,
    long Gaps,
    long Duplicates,
    long Late,
    DateTimeOffset? LastGapAt);

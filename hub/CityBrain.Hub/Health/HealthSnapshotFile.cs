namespace CityBrain.Hub.Health;

/// <summary>The registry's snapshot on disk: a version, when it was saved, and every node.</summary>
public sealed record HealthSnapshotFile
{
    public const int CurrentVersion = 1;

    public int V { get; init; } = CurrentVersion;

    public DateTimeOffset SavedAt { get; init; }

    public IReadOnlyList<NodeView> Nodes { get; init; } = [];
}

namespace CityBrain.Hub.Health;

/// <summary>
/// The registry's size against its caps and what it refused (part of <c>/ingest/stats</c>).
/// </summary>
/// <param name="Nodes">Nodes held.</param>
/// <param name="Quantities">Sensor-quantities held, against <paramref name="MaxQuantities"/>.</param>
/// <param name="MaxQuantities"><see cref="HealthRegistryOptions.MaxQuantities"/>.</param>
/// <param name="RefusedByReason">Readings not tracked since start, by <see cref="RegistryRefusals"/> reason (still stored).</param>
/// <param name="SnapshotProblems">Problems with the snapshot read at start (unreadable lines, nodes skipped, a file moved aside).</param>
/// <param name="LastSnapshotProblem">The last of them, or null.</param>
public sealed record RegistryStatistics(
    int Nodes,
    long Quantities,
    int MaxQuantities,
    IReadOnlyDictionary<string, long> RefusedByReason,
    long SnapshotProblems,
    string? LastSnapshotProblem);

namespace CityBrain.Hub.Health;

/// <summary>The node's edge buffer from its last health message.</summary>
public sealed record NodeBufferView(
    long Readings,
    long Bytes,
    double OldestAgeS,
    IReadOnlyDictionary<string, long> Dropped)
{
    /// <summary><c>ok</c>, <c>degraded</c> (storage refuses writes; readings held in memory) or <c>clock_held</c>.</summary>
    public string State { get; init; } = "ok";

    /// <summary>Readings held only in memory while storage refuses writes.</summary>
    public long HeldInMemory { get; init; }
}

namespace CityBrain.Hub.Health;

/// <summary>The node's edge buffer from its last health message.</summary>
public sealed record NodeBufferView(
    long Readings,
    long Bytes,
    double OldestAgeS,
    IReadOnlyDictionary<string, long> Dropped);

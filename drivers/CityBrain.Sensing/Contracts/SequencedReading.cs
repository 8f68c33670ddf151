namespace CityBrain.Sensing;

/// <summary>A reading with its per-node sequence number, assigned when the reading entered the node's buffer.</summary>
public readonly record struct SequencedReading(long Seq, Reading Reading);

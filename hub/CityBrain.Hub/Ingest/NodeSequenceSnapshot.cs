namespace CityBrain.Hub.Ingest;

/// <summary>
/// Sequence statistics of one node as this hub instance saw them: <see cref="Missing"/> sequence numbers skipped and
/// not (yet) arrived, <see cref="Duplicates"/> seen more than once (at-least-once redelivery), late arrivals that
/// filled a gap. With a shared subscription each instance sees only part of a node's sequence.
/// </summary>
public sealed record NodeSequenceSnapshot(string Node, long HighestSeq, long Received, long Missing, long Duplicates, long LateArrivals);

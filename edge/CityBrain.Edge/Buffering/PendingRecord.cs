namespace CityBrain.Edge.Buffering;

/// <summary>A record encoded into a <see cref="PendingGroup"/>, at <c>Offset</c> within the group's bytes.</summary>
internal readonly record struct PendingRecord(RecordKind Kind, long Seq, int Count, long AppendMs, int Offset, int Length);

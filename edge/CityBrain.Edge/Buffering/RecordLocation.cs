namespace CityBrain.Edge.Buffering;

/// <summary>Where a readings record lies on disk.</summary>
internal readonly record struct RecordLocation(Segment Segment, long Offset, int Length);

namespace CityBrain.Hub.Sinks;

/// <summary>A point a database refused for good (by its index in the <see cref="PointBatch"/>, or in the <see cref="LineBatch"/> written), with the reason.</summary>
/// <param name="Line">The line as sent, when the sink takes line protocol (for the dead letter).</param>
/// <param name="Unencodable">The point could not be encoded in the sink's format at all (not sent).</param>
public readonly record struct RejectedLine(int Index, string Reason, string? Line = null, bool Unencodable = false);

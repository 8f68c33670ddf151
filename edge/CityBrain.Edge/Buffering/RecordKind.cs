namespace CityBrain.Edge.Buffering;

/// <summary>What a segment record holds.</summary>
internal enum RecordKind : byte
{
    /// <summary>Readings with consecutive sequence numbers <c>[Seq, Seq + Count)</c>, appended at <c>Value</c> (Unix ms).</summary>
    Readings = 1,

    /// <summary>Sequence numbers <c>[Seq, Value)</c> were acknowledged.</summary>
    Ack = 2,

    /// <summary>Everything below <c>Seq</c> was dropped (expired).</summary>
    Trim = 3,
}

namespace CityBrain.Edge.Buffering;

/// <summary>
/// One appended record as the ledger sees it: a contiguous run of sequence numbers appended at one time, and where
/// its readings are (an array in memory, a file location on disk).
/// </summary>
internal readonly record struct LedgerRecord<TPayload>(long FirstSeq, int Count, long AppendMs, TPayload Payload)
{
    public long End => FirstSeq + Count;
}

namespace CityBrain.Edge.Buffering;

/// <summary>The ledger's side of a batch in flight: which sequence runs it holds.</summary>
internal sealed class LedgerBatch(long id, SeqRun[] runs)
{
    public long Id { get; } = id;

    /// <summary>The batch's sequence numbers, ascending, as runs.</summary>
    public SeqRun[] Runs { get; set; } = runs;

    /// <summary>Set when part of the batch was dropped while in flight; kept readings below the head count as this.</summary>
    public DropReason? DroppedWhileInFlight { get; set; }

    public long MinSeq => Runs.Length == 0 ? long.MaxValue : Runs[0].Start;
}

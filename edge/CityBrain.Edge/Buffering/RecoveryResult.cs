namespace CityBrain.Edge.Buffering;

/// <summary>What <see cref="SegmentRecovery"/> found on disk.</summary>
internal sealed class RecoveryResult
{
    /// <summary>Open segments, oldest first.</summary>
    public List<Segment> Segments { get; } = [];

    /// <summary>Intact readings records in sequence order.</summary>
    public List<LedgerRecord<RecordLocation>> Records { get; } = [];

    /// <summary>Acknowledged ranges from ack records (and gaps already reported).</summary>
    public IntervalSet Acked { get; } = new();

    /// <summary>Sequence numbers known lost to damage (gaps between intact records, torn records with a readable header).</summary>
    public IntervalSet Lost { get; } = new();

    /// <summary>Everything below this was dropped by a trim record.</summary>
    public long TrimHead { get; set; } = long.MinValue;

    public long NextSeq { get; set; }

    /// <summary>Damaged byte ranges whose reading count could not be known (no readable header, nothing after them).</summary>
    public int UncountedDamage { get; set; }

    /// <summary>Readings lost to damage that were neither acknowledged nor trimmed: the DroppedCorrupt at open.</summary>
    public long CorruptReadings { get; set; }
}

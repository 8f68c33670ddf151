namespace CityBrain.Edge.Buffering;

/// <summary>
/// Where a ledger entry's records lie on disk: one readings record, or a block of readings records lying back to back
/// in one segment (joined by <see cref="TryMerge"/> once they left the live lane).
/// </summary>
internal readonly record struct RecordLocation(Segment Segment, long Offset, int Length)
{
    /// <summary>Largest block read in one go.</summary>
    public const int MaxBlockBytes = 64 * 1024;

    /// <summary>Largest spread of append times in one block (expiry drops a block when its oldest record expires).</summary>
    public const long MaxBlockSpanMs = 60_000;

    public static bool TryMerge(in RecordLocation first, in RecordLocation second, long spanMs, out RecordLocation merged)
    {
        long length = second.Offset + second.Length - first.Offset;
        if (first.Segment == second.Segment && first.Offset + first.Length == second.Offset
            && length <= MaxBlockBytes && spanMs <= MaxBlockSpanMs)
        {
            merged = new RecordLocation(first.Segment, first.Offset, (int)length);
            return true;
        }

        merged = default;
        return false;
    }
}

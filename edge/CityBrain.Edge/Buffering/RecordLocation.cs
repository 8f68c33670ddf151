using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Where a ledger entry's readings are: one readings record on disk, a block of readings records lying back to back in
/// one segment (joined by <see cref="TryMerge"/> once they left the live lane), or, while storage refuses writes, the
/// readings themselves held in memory (<see cref="Held"/>, no segment).
/// </summary>
internal readonly record struct RecordLocation(Segment? Segment, long Offset, int Length, Reading[]? Held = null)
{
    /// <summary>Largest block read in one go.</summary>
    public const int MaxBlockBytes = 64 * 1024;

    /// <summary>Largest spread of append times in one block (expiry drops a block when its oldest record expires).</summary>
    public const long MaxBlockSpanMs = 60_000;

    public static RecordLocation InMemory(Reading[] readings) => new(null, 0, 0, readings);

    public static bool TryMerge(in RecordLocation first, in RecordLocation second, long spanMs, out RecordLocation merged)
    {
        long length = second.Offset + second.Length - first.Offset;
        if (first.Segment is not null && first.Segment == second.Segment && first.Offset + first.Length == second.Offset
            && length <= MaxBlockBytes && spanMs <= MaxBlockSpanMs)
        {
            merged = new RecordLocation(first.Segment, first.Offset, (int)length);
            return true;
        }

        merged = default;
        return false;
    }
}

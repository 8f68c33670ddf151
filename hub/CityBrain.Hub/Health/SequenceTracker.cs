namespace CityBrain.Hub.Health;

/// <summary>
/// Tracks a node's telemetry sequence numbers in O(1): the highest seen, and a bitmap of the last
/// <see cref="Window"/> numbers so that a late reading filling a gap (live-first replay) is told apart from a
/// duplicate. The hub's only sequence tracking (the health view, /ingest/stats and the gap/duplicate counters all read
/// it). Not thread-safe: guarded by its node's lock.
/// </summary>
internal sealed class SequenceTracker
{
    public const int Window = 4096;

    private readonly ulong[] _seen = new ulong[Window / 64];

    public long Highest { get; private set; } = -1;

    /// <summary>Numbers skipped by a jump and not (yet) filled by a late reading.</summary>
    public long Missing { get; private set; }

    public long Gaps { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Readings older than the bitmap window (cannot tell a fill from a duplicate).</summary>
    public long Late { get; private set; }

    /// <summary>Readings observed by this hub process (not persisted).</summary>
    public long Received { get; private set; }

    /// <summary>Sequence numbers ever skipped by a jump (not persisted; the gap counter's source).</summary>
    public long Skipped { get; private set; }

    /// <summary>Late readings that filled a gap (not persisted).</summary>
    public long Filled { get; private set; }

    public void Restore(NodeSequenceView view)
    {
        Highest = view.Highest;
        Missing = view.Missing;
        Gaps = view.Gaps;
        Duplicates = view.Duplicates;
        Late = view.Late;
    }

    /// <summary>Resets the window after the node's sequence restarted (e.g. its storage was wiped).</summary>
    public void Reset()
    {
        Array.Clear(_seen);
        Highest = -1;
        Missing = 0;
    }

    /// <returns>True when this number opened a new gap.</returns>
    public bool Observe(long seq)
    {
        Received++;
        if (Highest < 0)
        {
            Highest = seq;
            Mark(seq);
            return false;
        }

        if (seq > Highest)
        {
            long jump = seq - Highest - 1;
            for (long s = Highest + 1; s < seq && s <= Highest + Window; s++)
            {
                Clear(s);
            }

            if (jump >= Window)
            {
                Array.Clear(_seen);
            }

            Highest = seq;
            Mark(seq);
            if (jump > 0)
            {
                Missing += jump;
                Skipped += jump;
                Gaps++;
                return true;
            }

            return false;
        }

        if (Highest - seq >= Window)
        {
            Late++;
            return false;
        }

        if (IsMarked(seq))
        {
            Duplicates++;
        }
        else
        {
            Mark(seq);
            Filled++;
            if (Missing > 0)
            {
                Missing--;
            }
        }

        return false;
    }

    private void Mark(long seq) => _seen[(seq % Window) / 64] |= 1UL << (int)(seq % 64);

    private void Clear(long seq) => _seen[(seq % Window) / 64] &= ~(1UL << (int)(seq % 64));

    private bool IsMarked(long seq) => (_seen[(seq % Window) / 64] & (1UL << (int)(seq % 64))) != 0;
}

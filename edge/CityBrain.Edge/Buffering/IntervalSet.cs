namespace CityBrain.Edge.Buffering;

/// <summary>
/// A set of sequence numbers kept as sorted, merged, half-open runs. Used for acknowledged-out-of-order and
/// in-flight readings; both hold few runs (one per batch at most), so list inserts are cheap. Not thread-safe.
/// </summary>
internal sealed class IntervalSet
{
    private readonly List<SeqRun> _runs = [];

    /// <summary>How many sequence numbers the set holds.</summary>
    public long Count { get; private set; }

    public int RunCount => _runs.Count;

    public SeqRun this[int index] => _runs[index];

    /// <summary>Adds <c>[start, end)</c>, merging with overlapping or touching runs.</summary>
    public void Add(long start, long end)
    {
        if (start >= end)
        {
            return;
        }

        int i = FirstEndingAtOrAfter(start);
        int j = i;
        long newStart = start;
        long newEnd = end;
        long removed = 0;
        while (j < _runs.Count && _runs[j].Start <= end)
        {
            newStart = Math.Min(newStart, _runs[j].Start);
            newEnd = Math.Max(newEnd, _runs[j].End);
            removed += _runs[j].Length;
            j++;
        }

        if (j > i)
        {
            _runs.RemoveRange(i, j - i);
        }

        _runs.Insert(i, new SeqRun(newStart, newEnd));
        Count += newEnd - newStart - removed;
    }

    /// <summary>Removes <c>[start, end)</c>; parts not in the set are ignored.</summary>
    public void Remove(long start, long end)
    {
        if (start >= end)
        {
            return;
        }

        int i = FirstEndingAfter(start);
        while (i < _runs.Count && _runs[i].Start < end)
        {
            SeqRun run = _runs[i];
            Count -= Math.Min(run.End, end) - Math.Max(run.Start, start);
            bool keepLeft = run.Start < start;
            bool keepRight = run.End > end;
            if (keepLeft && keepRight)
            {
                _runs[i] = new SeqRun(run.Start, start);
                _runs.Insert(i + 1, new SeqRun(end, run.End));
                return;
            }

            if (keepLeft)
            {
                _runs[i] = new SeqRun(run.Start, start);
                i++;
            }
            else if (keepRight)
            {
                _runs[i] = new SeqRun(end, run.End);
                return;
            }
            else
            {
                _runs.RemoveAt(i);
            }
        }
    }

    /// <summary>How many members fall in <c>[start, end)</c>.</summary>
    public long CountIn(long start, long end)
    {
        long n = 0;
        for (int i = FirstEndingAfter(start); i < _runs.Count && _runs[i].Start < end; i++)
        {
            n += Math.Min(_runs[i].End, end) - Math.Max(_runs[i].Start, start);
        }

        return n;
    }

    /// <summary>The end of the run containing <paramref name="seq"/>, or -1 when it is not a member.</summary>
    public long EndOfRunContaining(long seq)
    {
        int i = FirstEndingAfter(seq);
        return i < _runs.Count && _runs[i].Start <= seq ? _runs[i].End : -1;
    }

    /// <summary>The start of the first run beginning after <paramref name="seq"/>, or <see cref="long.MaxValue"/>.</summary>
    public long NextStartAfter(long seq)
    {
        int i = FirstEndingAfter(seq);
        if (i < _runs.Count && _runs[i].Start <= seq)
        {
            i++;
        }

        return i < _runs.Count ? _runs[i].Start : long.MaxValue;
    }

    /// <summary>The parts of the set's runs that fall in <c>[start, end)</c>, ascending.</summary>
    public List<SeqRun> RunsIn(long start, long end)
    {
        var runs = new List<SeqRun>();
        for (int i = FirstEndingAfter(start); i < _runs.Count && _runs[i].Start < end; i++)
        {
            runs.Add(new SeqRun(Math.Max(_runs[i].Start, start), Math.Min(_runs[i].End, end)));
        }

        return runs;
    }

    public void Clear()
    {
        _runs.Clear();
        Count = 0;
    }

    private int FirstEndingAfter(long seq) => FirstWhereEnd(seq, inclusive: false);

    private int FirstEndingAtOrAfter(long seq) => FirstWhereEnd(seq, inclusive: true);

    private int FirstWhereEnd(long seq, bool inclusive)
    {
        int lo = 0;
        int hi = _runs.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            long end = _runs[mid].End;
            bool before = inclusive ? end < seq : end <= seq;
            if (before)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// The bookkeeping shared by the memory and disk buffers: which sequence numbers are stored, acknowledged (possibly
/// out of order), in flight, and where the live lane begins. It never touches reading payloads beyond handing out
/// records. Not thread-safe: its owner serialises access with one lock.
/// </summary>
/// <remarks>
/// Invariants: every stored sequence number lies in <c>[Head, End)</c>; <see cref="_acked"/> and <see cref="_inFlight"/>
/// only hold numbers in that range; records are contiguous and ordered; append times are non-decreasing (clamped), so
/// the live lane is always a suffix of the sequence space.
/// </remarks>
internal sealed class BufferLedger<TPayload>
{
    private const int CompactThreshold = 256;

    private readonly List<LedgerRecord<TPayload>> _records = [];
    private readonly IntervalSet _acked = new();
    private readonly IntervalSet _inFlight = new();
    private readonly IntervalSet _awaiting = new();
    private readonly Dictionary<long, LedgerBatch> _batches = [];
    private int _first;
    private int _compacted;
    private long _lastAppendMs = long.MinValue;
    private long _nextBatchId = 1;

    public BufferLedger(long startSeq)
    {
        Head = startSeq;
        End = startSeq;
    }

    /// <summary>The lowest sequence number that may still be stored.</summary>
    public long Head { get; private set; }

    /// <summary>One past the last stored sequence number.</summary>
    public long End { get; private set; }

    /// <summary>Readings stored and not yet acknowledged (in flight included).</summary>
    public long Stored => End - Head - _acked.Count;

    public long InFlight => _inFlight.Count;

    /// <summary>Readings sent and awaiting the end-to-end acknowledgement: stored, but not handed out again.</summary>
    public long Awaiting => _awaiting.Count;

    /// <summary>Readings that <see cref="Select"/> could hand out now (either lane).</summary>
    public long Available => Stored - _inFlight.Count - _awaiting.Count;

    public int RecordCount => _records.Count - _first;

    public int BatchesInFlight => _batches.Count;

    public ref readonly LedgerRecord<TPayload> RecordAt(int index) =>
        ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_records)[_first + index];

    /// <summary>Append time of the oldest stored reading, or null when empty.</summary>
    public long? OldestAppendMs => Stored == 0 || RecordCount == 0 ? null : RecordAt(IndexOf(Head)).AppendMs;

    /// <summary>Adds a record; a gap before it (records lost to corruption at recovery) is marked as gone.</summary>
    public void Add(long firstSeq, int count, long appendMs, TPayload payload)
    {
        if (firstSeq < End)
        {
            throw new InvalidOperationException($"Record at seq {firstSeq} overlaps stored readings ending at {End}.");
        }

        if (firstSeq > End)
        {
            _acked.Add(End, firstSeq);
        }

        _lastAppendMs = Math.Max(_lastAppendMs, appendMs);
        _records.Add(new LedgerRecord<TPayload>(firstSeq, count, _lastAppendMs, payload));
        End = firstSeq + count;
        AdvanceHead();
    }

    /// <summary>
    /// Merges adjacent records appended at or before <paramref name="cutoffMs"/> where <paramref name="merge"/> allows
    /// (the disk buffer joins records lying back to back in one segment into blocks), so a long outage does not grow the
    /// index by one entry per record. A merged entry keeps the oldest append time. Records after the cut-off (the live
    /// lane) are left alone so lanes stay exact.
    /// </summary>
    public void Compact(long cutoffMs, PayloadMerger<TPayload> merge)
    {
        int start = Math.Max(_compacted, _first);
        int end = start;
        while (end < _records.Count && _records[end].AppendMs <= cutoffMs)
        {
            end++;
        }

        if (end - start < 2)
        {
            return;
        }

        int w = start;
        for (int r = start + 1; r < end; r++)
        {
            LedgerRecord<TPayload> block = _records[w];
            LedgerRecord<TPayload> next = _records[r];
            if (block.End == next.FirstSeq && merge(block.Payload, next.Payload, next.AppendMs - block.AppendMs, out TPayload merged))
            {
                _records[w] = new LedgerRecord<TPayload>(block.FirstSeq, block.Count + next.Count, block.AppendMs, merged);
            }
            else
            {
                _records[++w] = next;
            }
        }

        w++;
        if (w < end)
        {
            _records.RemoveRange(w, end - w);
        }

        _compacted = w - 1;
    }

    /// <summary>How many sequence numbers in <c>[start, end)</c> are still stored (in flight included).</summary>
    public long StoredIn(long start, long end)
    {
        start = Math.Max(start, Head);
        end = Math.Min(end, End);
        return start < end ? end - start - _acked.CountIn(start, end) : 0;
    }

    /// <summary>Index (relative to the first record) of the record holding <paramref name="seq"/>.</summary>
    public int IndexOf(long seq)
    {
        int lo = _first;
        int hi = _records.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (_records[mid].FirstSeq <= seq)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo - _first;
    }

    /// <summary>First sequence number appended after <paramref name="cutoffMs"/> (strictly), or <see cref="End"/>.</summary>
    public long FirstSeqAppendedAfter(long cutoffMs)
    {
        int lo = _first;
        int hi = _records.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_records[mid].AppendMs <= cutoffMs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < _records.Count ? Math.Max(_records[lo].FirstSeq, Head) : End;
    }

    /// <summary>
    /// Marks up to <paramref name="max"/> readings of <paramref name="lane"/> that are not in flight as in flight,
    /// oldest first, and returns the batch; null when none are available.
    /// </summary>
    public LedgerBatch? Select(BufferLane lane, int max, long liveCutoffMs)
    {
        long boundary = FirstSeqAppendedAfter(liveCutoffMs);
        long lo = lane == BufferLane.Live ? Math.Max(boundary, Head) : Head;
        long hi = lane == BufferLane.Live ? End : Math.Min(boundary, End);
        List<SeqRun>? runs = null;
        long taken = 0;
        long cursor = lo;
        while (taken < max && cursor < hi)
        {
            cursor = SkipUnavailable(cursor);
            if (cursor >= hi)
            {
                break;
            }

            long runEnd = Math.Min(hi, Math.Min(_acked.NextStartAfter(cursor), Math.Min(_inFlight.NextStartAfter(cursor), _awaiting.NextStartAfter(cursor))));
            runEnd = Math.Min(runEnd, cursor + (max - taken));
            (runs ??= []).Add(new SeqRun(cursor, runEnd));
            taken += runEnd - cursor;
            cursor = runEnd;
        }

        if (runs is null)
        {
            return null;
        }

        foreach (SeqRun run in runs)
        {
            _inFlight.Add(run.Start, run.End);
        }

        var batch = new LedgerBatch(_nextBatchId++, [.. runs]);
        _batches.Add(batch.Id, batch);
        return batch;
    }

    public bool IsInFlight(long batchId) => _batches.ContainsKey(batchId);

    /// <summary>
    /// Ends a batch: the first <paramref name="accepted"/> readings are acknowledged (or, with
    /// <paramref name="awaiting"/>, kept as awaiting the end-to-end acknowledgement), the rest become available again.
    /// Kept readings that were dropped while in flight are returned as <paramref name="droppedKept"/>.
    /// </summary>
    public void Complete(long batchId, long accepted, List<SeqRun> ackedRuns, out long droppedKept, out DropReason reason, bool awaiting = false)
    {
        if (!_batches.Remove(batchId, out LedgerBatch? batch))
        {
            throw new InvalidOperationException($"Batch {batchId} is not in flight; was it ended twice?");
        }

        droppedKept = 0;
        reason = batch.DroppedWhileInFlight ?? DropReason.Overflow;
        long remaining = accepted;
        foreach (SeqRun run in batch.Runs)
        {
            long take = Math.Min(remaining, run.Length);
            remaining -= take;
            long acceptEnd = run.Start + take;
            _inFlight.Remove(Math.Max(run.Start, Head), run.End);
            long ackStart = Math.Max(run.Start, Head);
            if (ackStart < acceptEnd && awaiting)
            {
                _awaiting.Add(ackStart, acceptEnd);
            }
            else if (ackStart < acceptEnd)
            {
                _acked.Add(ackStart, acceptEnd);
                ackedRuns.Add(new SeqRun(ackStart, acceptEnd));
            }

            long keptBelowHead = Math.Min(run.End, Head) - acceptEnd;
            if (keptBelowHead > 0)
            {
                droppedKept += keptBelowHead;
            }
        }

        AdvanceHead();
    }

    /// <summary>Marks <c>[start, end)</c> acknowledged (recovery of persisted acks, or unreadable records).</summary>
    public void Acknowledge(long start, long end)
    {
        start = Math.Max(start, Head);
        end = Math.Min(end, End);
        if (start < end)
        {
            _inFlight.Remove(start, end);
            _awaiting.Remove(start, end);
            _acked.Add(start, end);
            AdvanceHead();
        }
    }

    /// <summary>
    /// Acknowledges the awaiting readings in <c>[start, end)</c> (the end-to-end acknowledgement came); readings in
    /// that range in any other state are left alone. The acknowledged runs are added to <paramref name="ackedRuns"/>.
    /// </summary>
    public long AcknowledgeAwaiting(long start, long end, List<SeqRun> ackedRuns)
    {
        long count = 0;
        foreach (SeqRun run in _awaiting.RunsIn(start, end))
        {
            _awaiting.Remove(run.Start, run.End);
            _acked.Add(run.Start, run.End);
            ackedRuns.Add(run);
            count += run.Length;
        }

        AdvanceHead();
        return count;
    }

    /// <summary>Makes the awaiting readings in <c>[start, end)</c> available again (to be sent again); returns how many.</summary>
    public long ReleaseAwaiting(long start, long end)
    {
        long count = 0;
        foreach (SeqRun run in _awaiting.RunsIn(start, end))
        {
            _awaiting.Remove(run.Start, run.End);
            count += run.Length;
        }

        return count;
    }

    /// <summary>
    /// Drops every stored reading below <paramref name="seq"/>. Returns how many stored, not-in-flight readings were
    /// dropped (awaiting readings included: their storage is not confirmed); dropped in-flight readings are counted
    /// when their batch ends (only those kept are lost).
    /// </summary>
    public long DropBefore(long seq, DropReason reason)
    {
        seq = Math.Min(seq, End);
        if (seq <= Head)
        {
            return 0;
        }

        long acked = _acked.CountIn(Head, seq);
        long inFlight = _inFlight.CountIn(Head, seq);
        if (inFlight > 0)
        {
            foreach (LedgerBatch batch in _batches.Values)
            {
                if (batch.MinSeq < seq)
                {
                    batch.DroppedWhileInFlight ??= reason;
                }
            }
        }

        long dropped = seq - Head - acked - inFlight;
        _acked.Remove(Head, seq);
        _inFlight.Remove(Head, seq);
        _awaiting.Remove(Head, seq);
        Head = seq;
        AdvanceHead();
        return dropped;
    }

    private long SkipUnavailable(long cursor)
    {
        while (true)
        {
            long end = _acked.EndOfRunContaining(cursor);
            if (end < 0)
            {
                end = _inFlight.EndOfRunContaining(cursor);
            }

            if (end < 0)
            {
                end = _awaiting.EndOfRunContaining(cursor);
            }

            if (end < 0)
            {
                return cursor;
            }

            cursor = end;
        }
    }

    private void AdvanceHead()
    {
        while (_acked.RunCount > 0 && _acked[0].Start <= Head)
        {
            SeqRun run = _acked[0];
            Head = Math.Max(Head, run.End);
            _acked.Remove(run.Start, run.End);
        }

        while (_first < _records.Count && _records[_first].End <= Head)
        {
            _records[_first] = default;
            _first++;
        }

        if (_first == _records.Count)
        {
            _records.Clear();
            _first = 0;
            _compacted = 0;
        }
        else if (_first > CompactThreshold && _first * 2 > _records.Count)
        {
            _records.RemoveRange(0, _first);
            _compacted = Math.Max(0, _compacted - _first);
            _first = 0;
        }
    }
}

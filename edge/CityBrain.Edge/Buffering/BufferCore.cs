using System.Diagnostics.Metrics;
using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// What the memory and disk buffers share around the <see cref="BufferLedger{TPayload}"/>: the one lock, the clock,
/// lane cut-off and age expiry, drop counters, the read signal and stats. Members ending in <c>Locked</c> must be
/// called while holding <see cref="Gate"/>.
/// </summary>
internal sealed class BufferCore<TPayload> : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _liveWindowMs;
    private readonly long _maxAgeMs;
    private TaskCompletionSource? _readable;

    public BufferCore(string kind, long startSeq, TimeSpan liveWindow, TimeSpan maxAge, TimeProvider time, IMeterFactory? meterFactory, Func<BufferStats> stats)
    {
        _time = time;
        _liveWindowMs = (long)liveWindow.TotalMilliseconds;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        Ledger = new BufferLedger<TPayload>(startSeq);
        NextSeq = startSeq;
        Metrics = new BufferMetrics(kind, meterFactory, stats);
    }

    public Lock Gate { get; } = new();

    public BufferLedger<TPayload> Ledger { get; }

    public BufferMetrics Metrics { get; }

    public long NextSeq { get; set; }

    public long Appended { get; private set; }

    public long DroppedOverflow { get; private set; }

    public long DroppedExpired { get; private set; }

    public long DroppedCorrupt { get; private set; }

    public long BytesWritten { get; private set; }

    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Assigns <paramref name="count"/> sequence numbers and returns the first.</summary>
    public long AssignLocked(int count)
    {
        long first = NextSeq;
        NextSeq += count;
        Appended += count;
        Metrics.Appended(count);
        return first;
    }

    public void AddBytesWrittenLocked(long bytes)
    {
        BytesWritten += bytes;
        Metrics.BytesWritten(bytes);
    }

    public void CountDropLocked(long readings, DropReason reason)
    {
        if (readings <= 0)
        {
            return;
        }

        switch (reason)
        {
            case DropReason.Overflow: DroppedOverflow += readings; break;
            case DropReason.Expired: DroppedExpired += readings; break;
            default: DroppedCorrupt += readings; break;
        }

        Metrics.Dropped(readings, reason);
    }

    /// <summary>Drops and counts readings below <paramref name="seq"/>.</summary>
    public void DropBeforeLocked(long seq, DropReason reason) => CountDropLocked(Ledger.DropBefore(seq, reason), reason);

    /// <summary>Drops readings appended more than the maximum age ago; returns true when anything expired.</summary>
    public bool ExpireLocked(long nowMs)
    {
        long? oldest = Ledger.OldestAppendMs;
        if (oldest is null || oldest.Value >= nowMs - _maxAgeMs)
        {
            return false;
        }

        DropBeforeLocked(Ledger.FirstSeqAppendedAfter(nowMs - _maxAgeMs - 1), DropReason.Expired);
        return true;
    }

    /// <summary>Joins index entries that have left the live lane (see <see cref="BufferLedger{TPayload}.Compact"/>).</summary>
    public void CompactLocked(PayloadMerger<TPayload> merge) => Ledger.Compact(NowMs - _liveWindowMs, merge);

    public LedgerBatch? SelectLocked(BufferLane lane, int maxReadings, long nowMs) =>
        Ledger.Select(lane, maxReadings, nowMs - _liveWindowMs);

    /// <summary>Ends a batch in the ledger and counts kept readings that were dropped while in flight.</summary>
    public void EndLocked(BufferBatch batch, int acceptedCount, List<SeqRun> ackedRuns)
    {
        if ((uint)acceptedCount > (uint)batch.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(acceptedCount), acceptedCount, $"Accepted count must be between 0 and the batch size {batch.Count}.");
        }

        Ledger.Complete(batch.Id, acceptedCount, ackedRuns, out long droppedKept, out DropReason reason);
        CountDropLocked(droppedKept, reason);
        if (acceptedCount < batch.Count)
        {
            SignalLocked();
        }
    }

    /// <summary>Wakes a waiting reader when anything is available.</summary>
    public void SignalLocked()
    {
        if (_readable is not null && Ledger.Available > 0)
        {
            _readable.TrySetResult();
            _readable = null;
        }
    }

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task wait;
        lock (Gate)
        {
            if (Ledger.Available > 0)
            {
                return ValueTask.CompletedTask;
            }

            _readable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _readable.Task;
        }

        return new ValueTask(wait.WaitAsync(cancellationToken));
    }

    public BufferStats StatsLocked(long bytes)
    {
        long? oldest = Ledger.OldestAppendMs;
        return new BufferStats
        {
            Readings = Ledger.Stored,
            Bytes = bytes,
            Oldest = oldest is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(oldest.Value),
            NextSeq = NextSeq,
            DroppedOverflow = DroppedOverflow,
            DroppedExpired = DroppedExpired,
            DroppedCorrupt = DroppedCorrupt,
            Appended = Appended,
            BytesWritten = BytesWritten,
        };
    }

    public void Dispose() => Metrics.Dispose();
}

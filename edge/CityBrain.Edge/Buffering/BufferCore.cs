using System.Diagnostics.Metrics;
using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// What the memory and disk buffers share around the <see cref="BufferLedger{TPayload}"/>: the one lock, the clock,
/// lane cut-off and age expiry, drop counters, the read signal and stats. Time is a <see cref="BufferClock"/> (monotonic
/// from open); while the wall clock is not plausibly set nothing is handed out and nothing expires. Members ending in <c>Locked</c> must be
/// called while holding <see cref="Gate"/>.
/// </summary>
internal sealed class BufferCore<TPayload> : IDisposable
{
    /// <summary>How often a reader waiting while the clock is held looks again.</summary>
    private static readonly TimeSpan ClockHoldPoll = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly BufferClock _clock;
    private readonly long _liveWindowMs;
    private readonly long _maxAgeMs;
    private TaskCompletionSource? _readable;

    public BufferCore(
        string kind,
        long startSeq,
        TimeSpan liveWindow,
        TimeSpan maxAge,
        DateTimeOffset earliestPlausibleTime,
        TimeProvider time,
        IMeterFactory? meterFactory,
        Func<BufferStats> stats)
    {
        _time = time;
        _clock = new BufferClock(time, earliestPlausibleTime);
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

    public long DroppedDiskFull { get; private set; }

    public long BytesWritten { get; private set; }

    /// <summary>Now on the buffer's clock (Unix ms, monotonic since open; see <see cref="BufferClock"/>).</summary>
    public long NowMs => _clock.NowMs;

    public BufferClock Clock => _clock;

    /// <summary>True while the wall clock is not plausibly set: nothing is selected, nothing expires.</summary>
    public bool ClockHeld => !_clock.IsWallClockPlausible;

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
            case DropReason.DiskFull: DroppedDiskFull += readings; break;
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
        if (oldest is null || oldest.Value >= nowMs - _maxAgeMs || ClockHeld)
        {
            return false;
        }

        DropBeforeLocked(Ledger.FirstSeqAppendedAfter(nowMs - _maxAgeMs - 1), DropReason.Expired);
        return true;
    }

    /// <summary>Joins index entries that have left the live lane (see <see cref="BufferLedger{TPayload}.Compact"/>).</summary>
    public void CompactLocked(PayloadMerger<TPayload> merge) => Ledger.Compact(NowMs - _liveWindowMs, merge);

    public LedgerBatch? SelectLocked(BufferLane lane, int maxReadings, long nowMs) =>
        ClockHeld ? null : Ledger.Select(lane, maxReadings, nowMs - _liveWindowMs);

    /// <summary>Ends a batch in the ledger and counts kept readings that were dropped while in flight.</summary>
    public void EndLocked(BufferBatch batch, int acceptedCount, List<SeqRun> ackedRuns, bool awaiting = false)
    {
        if ((uint)acceptedCount > (uint)batch.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(acceptedCount), acceptedCount, $"Accepted count must be between 0 and the batch size {batch.Count}.");
        }

        Ledger.Complete(batch.Id, acceptedCount, ackedRuns, out long droppedKept, out DropReason reason, awaiting);
        CountDropLocked(droppedKept, reason);
        if (acceptedCount < batch.Count)
        {
            SignalLocked();
        }
    }

    /// <summary>Hands awaiting readings in <c>[start, end)</c> out again (see <see cref="IReadingBuffer.ReleaseAsync"/>).</summary>
    public long ReleaseAwaitingLocked(long start, long end)
    {
        long released = Ledger.ReleaseAwaiting(start, end);
        if (released > 0)
        {
            SignalLocked();
        }

        return released;
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
        if (ClockHeld)
        {
            // Nothing is handed out until the clock is set; look again now and then instead of spinning.
            return new ValueTask(Task.Delay(ClockHoldPoll, _time, cancellationToken));
        }

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

    /// <summary>Stats; <paramref name="storageProblem"/> (a disk buffer refused by its storage) makes the state degraded.</summary>
    public BufferStats StatsLocked(long bytes, long heldInMemory = 0, string? storageProblem = null)
    {
        long? oldest = Ledger.OldestAppendMs;
        bool clockHeld = ClockHeld;
        return new BufferStats
        {
            Readings = Ledger.Stored,
            Bytes = bytes,
            Oldest = oldest is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(oldest.Value),
            OldestAge = oldest is null ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, NowMs - oldest.Value)),
            HeldInMemory = heldInMemory,
            Awaiting = Ledger.Awaiting,
            State = storageProblem is not null ? BufferStates.Degraded : clockHeld ? BufferStates.ClockHeld : BufferStates.Ok,
            Problem = storageProblem ?? (clockHeld ? _clock.ImplausibleProblem : null),
            DroppedDiskFull = DroppedDiskFull,
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

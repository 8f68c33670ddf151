using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// A bounded in-memory <see cref="IReadingBuffer"/>: nothing survives a restart except the sequence numbering, which
/// the caller persists and passes back as <see cref="MemoryBufferOptions.FirstSeq"/>. Over
/// <see cref="MemoryBufferOptions.MaxReadings"/> the oldest readings are dropped and counted.
/// </summary>
/// <remarks>
/// Thread-safety: any number of producers may call <see cref="AppendAsync"/> concurrently with one consumer calling
/// <see cref="BeginBatchAsync"/>/<see cref="EndBatchAsync"/>/<see cref="WaitToReadAsync"/>; one lock guards the state
/// and is held only for bookkeeping and copying.
/// </remarks>
public sealed class MemoryReadingBuffer : IReadingBuffer
{
    private static readonly int BytesPerReading = Unsafe.SizeOf<SequencedReading>();

    private readonly MemoryBufferOptions _options;
    private readonly BufferCore<Reading[]> _core;

    public MemoryReadingBuffer(MemoryBufferOptions options, TimeProvider timeProvider, IMeterFactory? meterFactory = null)
    {
        options.Validate();
        _options = options;
        _core = new BufferCore<Reading[]>(
            "memory", options.FirstSeq, options.LiveWindow, options.MaxAge, options.EarliestPlausibleTime, timeProvider, meterFactory, GetStats);
    }

    public ValueTask AppendAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int count = readings.Count;
        if (count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var copy = new Reading[count];
        for (int i = 0; i < count; i++)
        {
            copy[i] = readings[i];
        }

        lock (_core.Gate)
        {
            long nowMs = _core.NowMs;
            long first = _core.AssignLocked(count);
            BufferLedger<Reading[]> ledger = _core.Ledger;
            ledger.Add(first, count, nowMs, copy);
            _core.ExpireLocked(nowMs);
            while (ledger.Stored > _options.MaxReadings)
            {
                _core.DropBeforeLocked(ledger.Head + (ledger.Stored - _options.MaxReadings), DropReason.Overflow);
            }

            _core.SignalLocked();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<BufferBatch> BeginBatchAsync(BufferLane lane, int maxReadings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReadings);
        lock (_core.Gate)
        {
            long nowMs = _core.NowMs;
            _core.ExpireLocked(nowMs);
            LedgerBatch? selected = _core.SelectLocked(lane, maxReadings, nowMs);
            if (selected is null)
            {
                return ValueTask.FromResult(new BufferBatch(0, lane, []));
            }

            BufferLedger<Reading[]> ledger = _core.Ledger;
            var result = new List<SequencedReading>(maxReadings);
            foreach (SeqRun run in selected.Runs)
            {
                long seq = run.Start;
                int index = ledger.IndexOf(seq);
                while (seq < run.End)
                {
                    ref readonly LedgerRecord<Reading[]> record = ref ledger.RecordAt(index++);
                    long stop = Math.Min(run.End, record.End);
                    for (; seq < stop; seq++)
                    {
                        result.Add(new SequencedReading(seq, record.Payload[seq - record.FirstSeq]));
                    }
                }
            }

            _core.Clock.CorrectUnsetTimestamps(result);
            return ValueTask.FromResult(new BufferBatch(selected.Id, lane, result));
        }
    }

    public ValueTask EndBatchAsync(BufferBatch batch, int acceptedCount, CancellationToken cancellationToken) =>
        End(batch, acceptedCount, awaiting: false);

    public ValueTask EndBatchAwaitingAsync(BufferBatch batch, int sentCount, CancellationToken cancellationToken) =>
        End(batch, sentCount, awaiting: true);

    public ValueTask<long> AcknowledgeAsync(long start, long end, CancellationToken cancellationToken)
    {
        lock (_core.Gate)
        {
            return ValueTask.FromResult(_core.Ledger.AcknowledgeAwaiting(start, end, []));
        }
    }

    public ValueTask<long> ReleaseAsync(long start, long end, CancellationToken cancellationToken)
    {
        lock (_core.Gate)
        {
            return ValueTask.FromResult(_core.ReleaseAwaitingLocked(start, end));
        }
    }

    private ValueTask End(BufferBatch batch, int acceptedCount, bool awaiting)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        lock (_core.Gate)
        {
            _core.EndLocked(batch, acceptedCount, [], awaiting);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken) => _core.WaitToReadAsync(cancellationToken);

    public BufferStats GetStats()
    {
        lock (_core.Gate)
        {
            return _core.StatsLocked(_core.Ledger.Stored * BytesPerReading);
        }
    }

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }
}

using CityBrain.Edge.Buffering;
using CityBrain.Edge.Pipeline;
using CityBrain.Edge.Tests.Buffering;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Pipeline;

/// <summary>The intake → buffer mover: everything read reaches the buffer in order (also at shutdown), and the appends it
/// keeps in flight stay within their bound.</summary>
public sealed class BufferAppenderTests
{
    private readonly FakeTimeProvider _time = new(TestReadings.Start);

    private MemoryReadingBuffer NewBuffer() => new(new MemoryBufferOptions { MaxReadings = 1_000_000, MaxAge = TimeSpan.FromDays(1) }, _time);

    [Fact]
    public async Task EverythingWritten_ReachesTheBufferInOrder_IncludingWhatIsLeftAtShutdown()
    {
        await using var buffer = NewBuffer();
        var intake = new ReadingIntake(capacity: 50_000);
        var appender = new BufferAppender(intake, buffer, NullLogger.Instance, maxBatch: 100, maxInFlightReadings: 300);
        var run = appender.RunAsync();

        for (int first = 0; first < 10_000; first += 250)
        {
            await intake.WriteAsync(TestReadings.Range(first, 250), CancellationToken.None);
        }

        intake.Complete(); // shutdown: the appender drains what the intake still holds, then ends
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(10_000, appender.Appended);
        Assert.Equal(10_000, buffer.GetStats().NextSeq);
        var batch = await buffer.BeginBatchAsync(BufferLane.Live, 20_000, CancellationToken.None);
        Assert.Equal(TestReadings.SeqRange(0, 10_000), TestReadings.Seqs(batch));
        Assert.Equal(TestReadings.Range(0, 10_000).Select(r => r.Value), batch.Readings.Select(r => r.Reading.Value));
    }

    [Fact]
    public async Task AppendsInFlight_StayWithinTheBound_AndAllCompleteWhenTheBufferCatchesUp()
    {
        await using var inner = NewBuffer();
        var slow = new GatedBuffer(inner);
        var intake = new ReadingIntake(capacity: 10_000);
        var appender = new BufferAppender(intake, slow, NullLogger.Instance, maxBatch: 10, maxInFlightReadings: 30);
        var run = appender.RunAsync();

        await intake.WriteAsync(TestReadings.Range(0, 200), CancellationToken.None);
        intake.Complete();

        // The buffer holds every append's completion (a slow group commit): the appender stops at its bound.
        await slow.WaitForPendingAsync(2);
        await Task.Yield();
        Assert.InRange(slow.PendingReadings, 1, 30);
        Assert.Equal(0, appender.Appended);

        slow.ReleaseAll();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, appender.Appended);
        Assert.Equal(200, inner.GetStats().NextSeq);
        Assert.True(slow.MaxPendingReadings <= 30, $"{slow.MaxPendingReadings} readings were in flight at once");
    }

    /// <summary>The real memory buffer, whose appends complete only when the test releases them (a slow disk's fsync).</summary>
    private sealed class GatedBuffer(IReadingBuffer inner) : IReadingBuffer
    {
        private readonly Lock _lock = new();
        private readonly List<(TaskCompletionSource Done, int Count)> _pending = [];
        private readonly TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _open;

        public int PendingReadings
        {
            get
            {
                lock (_lock)
                {
                    return _pending.Sum(p => p.Count);
                }
            }
        }

        public int MaxPendingReadings { get; private set; }

        public async ValueTask AppendAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken)
        {
            await inner.AppendAsync(readings, cancellationToken);
            TaskCompletionSource done;
            lock (_lock)
            {
                if (_open)
                {
                    return;
                }

                done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Add((done, readings.Count));
                MaxPendingReadings = Math.Max(MaxPendingReadings, _pending.Sum(p => p.Count));
                _appended.TrySetResult();
            }

            await done.Task;
        }

        public async Task WaitForPendingAsync(int appends)
        {
            await _appended.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                lock (_lock)
                {
                    if (_pending.Count >= appends)
                    {
                        return;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, "the appender did not keep appends in flight");
                await Task.Yield();
            }
        }

        public void ReleaseAll()
        {
            List<(TaskCompletionSource Done, int Count)> pending;
            lock (_lock)
            {
                _open = true;
                pending = [.. _pending];
                _pending.Clear();
            }

            foreach (var p in pending)
            {
                p.Done.TrySetResult();
            }
        }

        public ValueTask<BufferBatch> BeginBatchAsync(BufferLane lane, int maxReadings, CancellationToken cancellationToken) => inner.BeginBatchAsync(lane, maxReadings, cancellationToken);

        public ValueTask EndBatchAsync(BufferBatch batch, int acceptedCount, CancellationToken cancellationToken) => inner.EndBatchAsync(batch, acceptedCount, cancellationToken);

        public ValueTask EndBatchAwaitingAsync(BufferBatch batch, int sentCount, CancellationToken cancellationToken) => inner.EndBatchAwaitingAsync(batch, sentCount, cancellationToken);

        public ValueTask<long> AcknowledgeAsync(long start, long end, CancellationToken cancellationToken) => inner.AcknowledgeAsync(start, end, cancellationToken);

        public ValueTask<long> ReleaseAsync(long start, long end, CancellationToken cancellationToken) => inner.ReleaseAsync(start, end, cancellationToken);

        public ValueTask WaitToReadAsync(CancellationToken cancellationToken) => inner.WaitToReadAsync(cancellationToken);

        public BufferStats GetStats() => inner.GetStats();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

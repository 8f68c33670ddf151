using System.Threading.Channels;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The bounded queue between the MQTT receiver and the database writers, the batcher (about
/// <see cref="BatchingOptions.MaxLines"/> lines per request) and the writers: a batch is written to every sink
/// (retrying as long as it takes), points it could not format or a sink refused are dead-lettered (durably: see
/// <see cref="DeadLetterStore"/>), then its messages are acknowledged: never before every point is stored or dead-lettered.
/// </summary>
public sealed class IngestPipeline : IAsyncDisposable
{
    private readonly Channel<IngestItem> _queue;
    private readonly Channel<PendingBatch> _batches;
    private readonly IReadOnlyList<ResilientSinkWriter> _sinks;
    private readonly BatchingOptions _batching;
    private readonly DeadLetterQueue _deadLetters;
    private readonly IngestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _writers;
    private readonly LineBufferPool _lineBuffers;
    private int _outstanding;
    private TaskCompletionSource _writerFreed = NewSignal();

    public IngestPipeline(
        IReadOnlyList<ResilientSinkWriter> sinks,
        BatchingOptions batching,
        int writers,
        DeadLetterQueue deadLetters,
        IngestMetrics metrics,
        TimeProvider time,
        ILogger<IngestPipeline> logger)
    {
        _sinks = sinks;
        _batching = batching;
        _writers = Math.Max(1, writers);
        _lineBuffers = LineBufferPool.ForWriters(_writers);
        _deadLetters = deadLetters;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(batching.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _batches = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(_writers)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        metrics.Meter.CreateObservableGauge("citybrain.hub.queue.depth", () => _queue.Reader.Count, "{message}", "Telemetry messages waiting for a writer");
    }

    /// <summary>Messages waiting in the queue.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Queues a valid message; waits while the queue is full (backpressure: the broker holds the rest).</summary>
    public ValueTask EnqueueAsync(IngestItem item, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(item, cancellationToken);

    /// <summary>
    /// Runs the batcher and the writers until cancelled. If one of them fails (e.g. <see cref="OutOfMemoryException"/>),
    /// the queue is closed with that exception at once, so <see cref="EnqueueAsync"/> throws
    /// <see cref="ChannelClosedException"/> instead of waiting forever on a queue nobody drains; the other loops are
    /// cancelled (their batches stay unacknowledged: the broker redelivers them) and the task faults with the first
    /// failure. It is not restarted: a failed loop means the process is in no state to go on.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        async Task GuardAsync(Func<CancellationToken, Task> loop)
        {
            try
            {
                await loop(stop.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                if (Interlocked.CompareExchange(ref failure, ex, null) is null)
                {
                    _queue.Writer.TryComplete(ex);
                    _batches.Writer.TryComplete(ex);
                    await stop.CancelAsync();
                }
            }
        }

        var tasks = new List<Task> { GuardAsync(BatchLoopAsync) };
        for (int i = 0; i < _writers; i++)
        {
            tasks.Add(GuardAsync(WriteLoopAsync));
        }

        await Task.WhenAll(tasks);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// Batches by size and age without waiting on a quiet path: a batch is handed to the writers when it is full, when
    /// the queue is empty and a writer is free (nothing is gained by waiting), or after
    /// <see cref="BatchingOptions.MaxDelayMilliseconds"/> while every writer is busy (the batch grows meanwhile, so a
    /// busy hub writes fuller requests).
    /// </summary>
    private async Task BatchLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var maxDelay = TimeSpan.FromMilliseconds(_batching.MaxDelayMilliseconds);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                var batch = new PendingBatch(_lineBuffers);
                long started = _time.GetTimestamp();
                while (batch.Points.Count < _batching.MaxLines)
                {
                    if (reader.TryRead(out var item))
                    {
                        Add(batch, item);
                        continue;
                    }

                    if (batch.Items.Count > 0 && WriterFree)
                    {
                        break;
                    }

                    var left = maxDelay - _time.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero || !await WaitForMoreAsync(reader, left, cancellationToken))
                    {
                        break;
                    }
                }

                if (batch.Items.Count == 0)
                {
                    batch.Dispose();
                    continue;
                }

                _metrics.BatchFilled(_time.GetElapsedTime(started));
                Interlocked.Increment(ref _outstanding);
                await _batches.Writer.WriteAsync(batch, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _batches.Writer.TryComplete();
        }
    }

    /// <summary>True when fewer batches are handed over and not yet written than there are writers.</summary>
    private bool WriterFree => Volatile.Read(ref _outstanding) < _writers;

    /// <summary>Waits for a message, or for a writer to become free, at most <paramref name="wait"/>; false at the timeout.</summary>
    private async Task<bool> WaitForMoreAsync(ChannelReader<IngestItem> reader, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var more = reader.WaitToReadAsync(linked.Token);
            if (more.IsCompleted)
            {
                return await more;
            }

            var freed = Volatile.Read(ref _writerFreed).Task;
            if (WriterFree)
            {
                return true;
            }

            var moreTask = more.AsTask();
            var first = await Task.WhenAny(moreTask, freed);
            if (first == moreTask)
            {
                return await moreTask;
            }

            await linked.CancelAsync();
            try
            {
                await moreTask;
            }
            catch (OperationCanceledException)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void WriterFinished()
    {
        Interlocked.Decrement(ref _outstanding);
        var freed = Interlocked.Exchange(ref _writerFreed, NewSignal());
        freed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Add(PendingBatch batch, IngestItem item)
    {
        int origin = batch.Items.Count;
        long newest = 0;
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long sent = item.Message.Sent.ToUnixTimeMilliseconds();
        _metrics.SentToBatch.Record(now - sent);

        // Per-reading latencies are recorded per run of equal source timestamps (a poll's readings share one): a few
        // histogram updates per message, not one per reading.
        long runTs = long.MinValue;
        int runLength = 0;
        foreach (var (seq, r) in item.Message.ReadingSpan())
        {
            long ts = r.TimestampMs;
            newest = Math.Max(newest, ts);
            if (ts != runTs)
            {
                EndRun(batch, runTs, runLength, now, sent);
                runTs = ts;
                runLength = 0;
            }

            runLength++;
            // Typed points: each sink's writer encodes them in the sink's format (Sinks/LineProtocolEncoder).
            batch.Points.Add(new TelemetryPoint(r.Quantity, item.TopicName, item.Topic, r.Sensor, r.Quality, seq, r.Value, ts), origin);
        }

        EndRun(batch, runTs, runLength, now, sent);

        // The readings' buffers go back: the points keep only references to their strings.
        ReadingBuffers.Return(item.Message);
        batch.Items.Add(new BatchedMessage(item.TopicName, item.Topic.Node, item.Acknowledge, newest));
    }

    private void EndRun(PendingBatch batch, long ts, int readings, long now, long sent)
    {
        if (readings == 0)
        {
            return;
        }

        _metrics.PollToSent.Record(sent - ts, readings);
        _metrics.PollToBatch.Record(now - ts, readings);
        batch.Runs.Add((ts, readings));
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in _batches.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    using (batch)
                    {
                        await WriteBatchAsync(batch, cancellationToken);
                    }
                }
                finally
                {
                    WriterFinished();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteBatchAsync(PendingBatch batch, CancellationToken cancellationToken)
    {
        var points = batch.Points;
        if (points.Count > 0)
        {
            var results = await Task.WhenAll(_sinks.Select(s => TimedWriteAsync(s, points, cancellationToken)));
            for (int s = 0; s < _sinks.Count; s++)
            {
                var refused = results[s];
                _metrics.PointsWritten(_sinks[s].Name, points.Count - refused.Count);
                if (refused.Count == 0)
                {
                    continue;
                }

                _metrics.PointsRefused(_sinks[s].Name, refused.Count);
                foreach (var r in refused)
                {
                    var item = batch.Items[points.OriginOf(r.Index)];
                    var violation = r.Unencodable ? ContractViolation.InvalidValue : ContractViolation.WriteRejected;
                    batch.Letters.Add(_deadLetters.ForPoint(violation, r.Reason, item.TopicName, item.Node, points[r.Index].Seq, r.Line));
                }
            }
        }

        // On disk before any PUBACK: a refused point is either in the database or in the dead-letter files.
        await _deadLetters.RejectAsync(batch.Letters, cancellationToken);

        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (ts, readings) in batch.Runs)
        {
            _metrics.PollToAck.Record(now - ts, readings);
        }

        foreach (var item in batch.Items)
        {
            await item.Acknowledge(cancellationToken);
            _metrics.LatencyObserved(now - item.NewestTimestampMs);
        }

        _metrics.BatchStored(batch.Items.Count, points.Count);
    }

    private async Task<IReadOnlyList<RejectedLine>> TimedWriteAsync(ResilientSinkWriter sink, PointBatch points, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        var refused = await sink.WriteAsync(points, cancellationToken);
        _metrics.WriteDuration(sink.Name, _time.GetElapsedTime(started));
        return refused;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync();
        }
    }

    private readonly record struct BatchedMessage(string TopicName, string Node, Func<CancellationToken, Task> Acknowledge, long NewestTimestampMs);

    private sealed class PendingBatch(LineBufferPool buffers) : IDisposable
    {
        public List<BatchedMessage> Items { get; } = new(256);

        /// <summary>The readings as typed points; their line-protocol encoding (shared by the sinks) takes its buffer from <paramref name="buffers"/>.</summary>
        public PointBatch Points { get; } = new(linePool: buffers);

        /// <summary>The readings' source timestamps as (timestamp, readings) runs, for the per-reading latency at acknowledgement.</summary>
        public List<(long TimestampMs, int Readings)> Runs { get; } = new(256);

        /// <summary>Dead letters of this batch, stored before its messages are acknowledged.</summary>
        public List<DeadLetterMessage> Letters { get; } = [];

        public void Dispose() => Points.Dispose();
    }
}

using System.Threading.Channels;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class IngestPipelineTests
{
    /// <summary>Fails every write with the given exception.</summary>
    private sealed class ThrowingSink(Exception error) : IPointSink
    {
        public int Requests;

        public string Name => "throwing";

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            throw error;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Keeps the text of every request.</summary>
    private sealed class CapturingSink : IPointSink
    {
        public readonly List<string> Requests = [];

        public string Name => "capturing";

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(System.Text.Encoding.UTF8.GetString(lines.Span));
            }

            return Task.FromResult(SinkWriteResult.Ok);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(PointColumns.All, "temperature,district=d1,grid=g1,node=n1,quality=good,sensor=s1 seq=7i,value=21.5 7000\n")]
    [InlineData(PointColumns.Value | PointColumns.Quality, "temperature,district=d1,grid=g1,node=n1,quality=good,sensor=s1 value=21.5 7000\n")]
    [InlineData(PointColumns.Value | PointColumns.Seq, "temperature,district=d1,grid=g1,node=n1,sensor=s1 seq=7i,value=21.5 7000\n")]
    [InlineData(PointColumns.Value, "temperature,district=d1,grid=g1,node=n1,sensor=s1 value=21.5 7000\n")]
    public async Task RunAsync_Columns_WritesOnlyTheConfiguredColumns(PointColumns columns, string expected)
    {
        using var metrics = new IngestMetrics();
        var sink = new CapturingSink();
        await using var pipeline = Pipeline(sink, metrics, queueCapacity: 10, writers: 1, columns);
        using var cts = new CancellationTokenSource();
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = pipeline.RunAsync(cts.Token);

        await pipeline.EnqueueAsync(Item(7, () => acknowledged.TrySetResult()), CancellationToken.None);
        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        Assert.Equal(expected, Assert.Single(sink.Requests));
    }

    [Fact]
    public async Task RunAsync_PooledReadings_ReturnedOnceTheirLinesAreFormatted()
    {
        using var metrics = new IngestMetrics();
        var sink = new CapturingSink();
        await using var pipeline = Pipeline(sink, metrics, queueCapacity: 10, writers: 1);
        using var cts = new CancellationTokenSource();
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = pipeline.RunAsync(cts.Token);
        var item = Item(7, () => acknowledged.TrySetResult());
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
        var message = new TelemetryMessage("n1", now, [new SequencedReading(7, new Reading("s1", "temperature", 21.5, "degC", now))]);
        Assert.True(TelemetryCodec.TryRead(TelemetryCodec.Serialize(message), out var pooled, out var violation, ReadingBuffers.Pool), violation?.ToString());
        Assert.IsType<PooledReadings>(pooled!.Readings);

        await pipeline.EnqueueAsync(item with { Message = pooled }, CancellationToken.None);
        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        Assert.Equal("temperature,district=d1,grid=g1,node=n1,quality=good,sensor=s1 seq=7i,value=21.5 1795000000000\n", Assert.Single(sink.Requests));
        Assert.Throws<ObjectDisposedException>(() => pooled.ReadingSpan().Length); // back in the pool
    }

    /// <summary>A pipeline of batches of up to 10 lines into <paramref name="sink"/> through a real resilient writer.</summary>
    private static IngestPipeline Pipeline(IPointSink sink, IngestMetrics metrics, int queueCapacity, int writers, PointColumns columns = PointColumns.All) =>
        TestPipelines.Create(sink, new BatchingOptions { MaxLines = 10, MaxDelayMilliseconds = 1, QueueCapacity = queueCapacity }, writers, TimeProvider.System, metrics, new LineProtocolEncoder(columns));

    private static IngestItem Item(int seq, Action acknowledged)
    {
        var topic = new NodeTopic("d1", "g1", "n1", "telemetry");
        var reading = new Reading("s1", "temperature", 21.5, "degC", DateTimeOffset.UnixEpoch.AddSeconds(seq));
        var message = new TelemetryMessage("n1", DateTimeOffset.UnixEpoch, [new SequencedReading(seq, reading)]);
        return new IngestItem("citybrain/d1/g1/n1/telemetry", topic, message, _ =>
        {
            acknowledged();
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task RunAsync_SinkThrowsOutOfMemory_FaultsAtOnceWithoutRetryOrAck_AndEnqueueNoLongerWaits()
    {
        using var metrics = new IngestMetrics();
        var sink = new ThrowingSink(new OutOfMemoryException("test"));
        await using var pipeline = Pipeline(sink, metrics, queueCapacity: 1, writers: 2);
        using var cts = new CancellationTokenSource();
        int acknowledged = 0;
        var run = pipeline.RunAsync(cts.Token);

        await pipeline.EnqueueAsync(Item(1, () => acknowledged++), CancellationToken.None);

        // Before: the writer loop died silently, RunAsync stayed pending until shutdown and the queue filled up.
        var error = await Assert.ThrowsAsync<OutOfMemoryException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("test", error.Message);
        Assert.False(cts.IsCancellationRequested);
        Assert.Equal(1, sink.Requests); // not retried
        Assert.Equal(0, acknowledged); // never acknowledged: the broker redelivers it

        // A receiver blocked on (or arriving at) the queue is released instead of waiting forever (QueueCapacity 1).
        var closed = await Assert.ThrowsAsync<ChannelClosedException>(async () =>
        {
            await pipeline.EnqueueAsync(Item(2, () => acknowledged++), CancellationToken.None);
            await pipeline.EnqueueAsync(Item(3, () => acknowledged++), CancellationToken.None);
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<OutOfMemoryException>(closed.InnerException);
    }

    [Fact]
    public async Task ResilientSinkWriter_OutOfMemory_IsNotRetried()
    {
        var sink = new ThrowingSink(new OutOfMemoryException());
        await using var writer = new ResilientSinkWriter(sink, new WriteResilienceOptions(), TimeProvider.System, NullLogger.Instance);
        using var batch = new LineBatch();
        batch.BeginLine("m", 0).Field("v", 1L).EndLine(1);

        await Assert.ThrowsAsync<OutOfMemoryException>(() => writer.WriteAsync(batch, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, sink.Requests);
    }

    [Fact]
    public void IsFatal_OutOfMemoryAlsoWhenWrapped_OtherErrorsNot()
    {
        Assert.True(FatalErrors.IsFatal(new OutOfMemoryException()));
        Assert.True(FatalErrors.IsFatal(new InvalidOperationException("wrapped", new InsufficientMemoryException())));
        Assert.False(FatalErrors.IsFatal(new HttpRequestException("refused")));
        Assert.False(FatalErrors.IsFatal(null));
    }
}

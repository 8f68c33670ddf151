using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>
/// Batching by size and age (issue 16): the clock is frozen, so any batch that waited for
/// <see cref="BatchingOptions.MaxDelayMilliseconds"/> would never be written and the test would time out.
/// </summary>
public sealed class IngestBatchingTests
{
    /// <summary>Records each request's line count; holds every request until <see cref="Release"/> when gated.</summary>
    private sealed class GatedSink(bool gated) : IPointSink
    {
        private readonly SemaphoreSlim _open = new(gated ? 0 : int.MaxValue);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Requests { get; } = [];

        public Task Entered => _entered.Task;

        public string Name => "gated";

        public void Release() => _open.Release(int.MaxValue / 2);

        public async Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(lineCount);
            }

            _entered.TrySetResult();
            await _open.WaitAsync(cancellationToken);
            return SinkWriteResult.Ok;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000));
    private readonly IngestMetrics _metrics = new();

    [Fact]
    public async Task QuietHub_AMessage_IsWrittenAtOnce_NotAfterTheBatchDelay()
    {
        var sink = new GatedSink(gated: false);
        await using var pipeline = Pipeline(sink, writers: 2);
        using var cts = new CancellationTokenSource();
        var run = pipeline.RunAsync(cts.Token);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await pipeline.EnqueueAsync(Item(1, acknowledged), CancellationToken.None);

        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1], sink.Requests);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task BusyWriters_MessagesArrivingMeanwhile_GoTogetherWhenAWriterFrees()
    {
        var sink = new GatedSink(gated: true);
        await using var pipeline = Pipeline(sink, writers: 1);
        using var cts = new CancellationTokenSource();
        var run = pipeline.RunAsync(cts.Token);
        var acks = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

        await pipeline.EnqueueAsync(Item(1, acks[0]), CancellationToken.None);
        await sink.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 1; i < acks.Length; i++)
        {
            await pipeline.EnqueueAsync(Item(i + 1, acks[i]), CancellationToken.None);
        }

        // The only writer is busy: the three wait in the batcher (the clock is frozen, so not for a timer) ...
        await WaitUntilAsync(() => pipeline.QueueDepth == 0);
        Assert.Equal([1], sink.Requests);

        // ... and go out as one request as soon as the writer is free.
        sink.Release();
        await Task.WhenAll(acks.Select(a => a.Task)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 3], sink.Requests);
        await cts.CancelAsync();
        await run;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    private IngestPipeline Pipeline(IPointSink sink, int writers) =>
        TestPipelines.Create(sink, new BatchingOptions { MaxLines = 100, MaxDelayMilliseconds = 1000, QueueCapacity = 10 }, writers, _time, _metrics);

    private static IngestItem Item(int seq, TaskCompletionSource acknowledged)
    {
        var reading = new Reading("s1", "temperature", 21.5, "degC", DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000 - seq));
        var message = new TelemetryMessage("n1", DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000), [new SequencedReading(seq, reading)]);
        return new IngestItem("citybrain/v1/d1/g1/n1/telemetry", new NodeTopic("d1", "g1", "n1", "telemetry"), message, _ =>
        {
            acknowledged.TrySetResult();
            return Task.CompletedTask;
        });
    }
}

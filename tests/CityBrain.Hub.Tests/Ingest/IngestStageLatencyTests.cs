using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>The per-hop latency histograms on /ingest/stats that the whole-chain benchmark (bench/chain.sh) reads.</summary>
public sealed class IngestStageLatencyTests
{
    private sealed class AcceptingSink : IPointSink
    {
        public string Name => "accepting";

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken) => Task.FromResult(SinkWriteResult.Ok);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task RunAsync_OneMessage_RecordsEachReadingsLatencyPerHop_AndTheMessagesOnce()
    {
        // Ten readings from two polls (4 at now - 500 ms, 6 at now - 400 ms), sent at now - 300 ms; the batch is full at
        // ten lines, so it is written at once and the fake clock does not move.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
        var time = new FakeTimeProvider(now);
        using var metrics = new IngestMetrics();
        await using var pipeline = TestPipelines.Create(new AcceptingSink(), new BatchingOptions { MaxLines = 10, MaxDelayMilliseconds = 1000, QueueCapacity = 10 }, 1, time, metrics);
        var readings = Enumerable.Range(0, 10)
            .Select(i => new SequencedReading(i + 1, new Reading($"s{i}", "temperature", 20 + i, "degC", now.AddMilliseconds(i < 4 ? -500 : -400))))
            .ToArray();
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var item = new IngestItem("citybrain/d1/g1/n1/telemetry", new NodeTopic("d1", "g1", "n1", "telemetry"), new TelemetryMessage("n1", now.AddMilliseconds(-300), readings), _ =>
        {
            acknowledged.TrySetResult();
            return Task.CompletedTask;
        });
        using var cts = new CancellationTokenSource();
        var run = pipeline.RunAsync(cts.Token);

        await pipeline.EnqueueAsync(item, CancellationToken.None);
        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await run;

        // Buckets are 1 ms wide; a bucket's upper bound is its millisecond + 1.
        var stages = metrics.StageLatencies().ToDictionary(s => s.Stage);
        Assert.Equal(["poll_to_sent", "sent_to_batch", "poll_to_batch", "poll_to_ack"], metrics.StageLatencies().Select(s => s.Stage));
        AssertBuckets(stages["poll_to_sent"], (101, 6), (201, 4));
        AssertBuckets(stages["sent_to_batch"], (301, 1));
        AssertBuckets(stages["poll_to_batch"], (401, 6), (501, 4));
        AssertBuckets(stages["poll_to_ack"], (401, 6), (501, 4)); // recorded before the acknowledgement is sent
        Assert.Equal(500, stages["poll_to_ack"].MaxMs);
    }

    private static void AssertBuckets(StageLatency stage, params (long UpperMs, long Count)[] expected)
    {
        Assert.Equal(expected.Select(e => e.UpperMs), stage.UpperMs);
        Assert.Equal(expected.Select(e => e.Count), stage.Counts);
        Assert.Equal(expected.Sum(e => e.Count), stage.Count);
    }
}

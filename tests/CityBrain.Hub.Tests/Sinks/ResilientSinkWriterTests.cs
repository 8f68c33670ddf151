using System.Text;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;
using CityBrain.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Sinks;

public sealed class ResilientSinkWriterTests
{
    /// <summary>Refuses any request holding a line with "bad" (InfluxDB 1.x partial-write semantics: good lines kept).</summary>
    private sealed class PartialWriteSink : IPointSink
    {
        public HashSet<string> Stored { get; } = new(StringComparer.Ordinal);

        public int Requests { get; private set; }

        public Queue<SinkWriteResult> Outages { get; } = new();

        public string Name => "fake";

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken)
        {
            Requests++;
            if (Outages.TryDequeue(out var outage))
            {
                return Task.FromResult(outage);
            }

            var all = Encoding.UTF8.GetString(lines.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lineCount, all.Length);
            int bad = 0;
            foreach (var line in all)
            {
                if (line.Contains("bad", StringComparison.Ordinal))
                {
                    bad++;
                }
                else
                {
                    Stored.Add(line);
                }
            }

            return Task.FromResult(bad == 0 ? SinkWriteResult.Ok : SinkWriteResult.Reject(400, $"partial write: field type conflict dropped={bad}"));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static LineBatch Batch(int count, params int[] bad)
    {
        var batch = new LineBatch();
        for (int i = 0; i < count; i++)
        {
            batch.BeginLine(bad.Contains(i) ? "bad" : "good", i).Field("v", i).EndLine(i);
        }

        return batch;
    }

    [Fact]
    public async Task WriteAsync_PartialWrite_BisectsToTheRefusedLines_WithServerReason_AndStoresTheRest()
    {
        var sink = new PartialWriteSink();
        await using var writer = new ResilientSinkWriter(sink, new WriteResilienceOptions(), TimeProvider.System, NullLogger.Instance);
        using var batch = Batch(1000, 3, 500, 999);

        var refused = await writer.WriteAsync(batch, CancellationToken.None);

        Assert.Equal([3, 500, 999], refused.Select(r => r.Index).ToArray());
        Assert.All(refused, r => Assert.Contains("partial write: field type conflict", r.Reason, StringComparison.Ordinal));
        Assert.Equal(997, sink.Stored.Count);
        Assert.True(sink.Requests < 70, $"bisection used {sink.Requests} requests");
    }

    [Fact]
    public async Task WriteAsync_ServerSaysEveryLineWasDropped_DeadLettersThemAllWithoutBisecting()
    {
        var sink = new PartialWriteSink();
        await using var writer = new ResilientSinkWriter(sink, new WriteResilienceOptions(), TimeProvider.System, NullLogger.Instance);
        using var batch = Batch(8, 0, 1, 2, 3, 4, 5, 6, 7);

        var refused = await writer.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 8), refused.Select(r => r.Index));
        Assert.All(refused, r => Assert.Contains("(HTTP 400, field_type_conflict)", r.Reason, StringComparison.Ordinal));
        Assert.Equal(1, sink.Requests); // "dropped=8" of 8 lines: nothing to narrow down
    }

    [Fact]
    public async Task WriteAsync_AllGood_IsOneRequest()
    {
        var sink = new PartialWriteSink();
        await using var writer = new ResilientSinkWriter(sink, new WriteResilienceOptions(), TimeProvider.System, NullLogger.Instance);
        using var batch = Batch(5000);
        Assert.Empty(await writer.WriteAsync(batch, CancellationToken.None));
        Assert.Equal(1, sink.Requests);
    }

    [Fact]
    public async Task WriteAsync_TransientFailures_RetriesHonouringRetryAfter_UntilStored()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sink = new PartialWriteSink();
        sink.Outages.Enqueue(SinkWriteResult.Retry(503, "unavailable", TimeSpan.FromSeconds(7)));
        sink.Outages.Enqueue(SinkWriteResult.Retry(429, "slow down", TimeSpan.FromSeconds(3)));
        var options = new WriteResilienceOptions { BreakerMinimumThroughput = 100 };
        await using var writer = new ResilientSinkWriter(sink, options, time, NullLogger.Instance);
        using var batch = Batch(10);

        var write = writer.WriteAsync(batch, CancellationToken.None);
        await Poll.UntilAsync(() => sink.Requests == 1, TimeSpan.FromSeconds(5), "the first request");
        time.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Yield();
        Assert.Equal(1, sink.Requests); // still waiting for the server's Retry-After
        time.Advance(TimeSpan.FromSeconds(0.2));
        await Poll.UntilAsync(() => sink.Requests == 2, TimeSpan.FromSeconds(5), "the second request");
        time.Advance(TimeSpan.FromSeconds(3.1));
        Assert.Empty(await write);
        Assert.Equal(3, sink.Requests);
        Assert.Equal(10, sink.Stored.Count);
    }

    [Fact]
    public async Task WriteAsync_LongOutage_OpensBreaker_NeverGivesUp_WritesAfterRecovery()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sink = new PartialWriteSink();
        for (int i = 0; i < 50; i++)
        {
            sink.Outages.Enqueue(SinkWriteResult.Retry(0, "connection refused"));
        }

        var options = new WriteResilienceOptions { BreakerMinimumThroughput = 4, BreakerBreakSeconds = 5, MaxRetryDelaySeconds = 2 };
        await using var writer = new ResilientSinkWriter(sink, options, time, NullLogger.Instance);
        using var batch = Batch(10);

        var write = writer.WriteAsync(batch, CancellationToken.None);
        for (int i = 0; i < 2000 && !write.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(1);
        }

        Assert.True(write.IsCompleted, $"write did not complete; {sink.Requests} requests");
        Assert.Empty(await write);
        Assert.Equal(10, sink.Stored.Count);

        // While the breaker was open, attempts were rejected without reaching the sink.
        Assert.Equal(51, sink.Requests);
    }

    [Theory]
    [InlineData(0, 50, 100)]
    [InlineData(3, 400, 800)]
    [InlineData(64, 1000, 2000)]
    [InlineData(int.MaxValue - 1, 1000, 2000)]
    public void Backoff_GrowsExponentially_CappedWithJitter_NeverCollapses(int attempt, double minMs, double maxMs)
    {
        for (int i = 0; i < 100; i++)
        {
            var d = ResilientSinkWriter.Backoff(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
            Assert.InRange(d.TotalMilliseconds, minMs, maxMs);
        }
    }
}

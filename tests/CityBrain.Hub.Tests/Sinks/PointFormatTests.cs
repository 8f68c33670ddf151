using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Hub.Tests.Sinks;

/// <summary>The pipeline hands sinks typed points; each sink's writer encodes them in the format the sink says it takes.</summary>
public sealed class PointFormatTests
{
    private static readonly NodeTopic Topic = new("d1", "g1", "n1", "telemetry");

    /// <summary>Takes typed points; refuses a request holding a point of <c>Refused</c> quantity (one at a time, as a partial write).</summary>
    private sealed class TypedSink : IPointSink
    {
        public List<TelemetryPoint> Stored { get; } = [];

        public string Name => "typed";

        public PointFormat Format => PointFormat.Points;

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a typed sink is never handed lines");

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<TelemetryPoint> points, CancellationToken cancellationToken)
        {
            var span = points.Span;
            foreach (var p in span)
            {
                if (p.Quantity == "weight")
                {
                    return Task.FromResult(SinkWriteResult.Reject(400, "no weights here"));
                }
            }

            Stored.AddRange(span);
            return Task.FromResult(SinkWriteResult.Ok);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static PointBatch Batch(params string[] quantities)
    {
        var batch = new PointBatch();
        for (int i = 0; i < quantities.Length; i++)
        {
            batch.Add(new TelemetryPoint(quantities[i], "citybrain/v1/d1/g1/n1/telemetry", Topic, $"s{i}", Quality.Good, i + 1, i, 1000 + i), origin: i);
        }

        return batch;
    }

    [Fact]
    public async Task WriteAsync_TypedSinkWithDomains_GetsItsDomainsPoints_RefusedReportedByBatchIndex()
    {
        using var batch = Batch("vehicle_count", "fill_level", "pm2_5", "weight", "lid_open");
        var sink = new TypedSink();
        await using var writer = new ResilientSinkWriter(sink, new WriteResilienceOptions(), TimeProvider.System, NullLogger.Instance, domains: new DomainFilter(["sanitation"]));

        var refused = await writer.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(["fill_level", "lid_open"], sink.Stored.Select(p => p.Quantity));
        var r = Assert.Single(refused);
        Assert.Equal((3, false), (r.Index, r.Unencodable));
        Assert.Contains("no weights here", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedLines_AreEncodedOncePerBatch()
    {
        using var batch = Batch("vehicle_count", "fill_level");
        var encoder = new LineProtocolEncoder(PointColumns.Value);
        var first = batch.SharedLines(encoder, out var unencodable);

        Assert.Same(first, batch.SharedLines(encoder, out _));
        Assert.Empty(unencodable);
        Assert.Equal(["vehicle_count,district=d1,grid=g1,node=n1,sensor=s0 value=0 1000", "fill_level,district=d1,grid=g1,node=n1,sensor=s1 value=1 1001"], Enumerable.Range(0, first.Count).Select(first.LineText));
    }

    [Fact]
    public async Task WriteAsync_UnencodablePoint_IsReportedAsSuch_AndTheRestWritten()
    {
        using var batch = new PointBatch();
        batch.Add(new TelemetryPoint("fill_level", "t", Topic, "s1", Quality.Good, 1, 1, 1000), 0);
        batch.Add(new TelemetryPoint("fill_level", "t", Topic, "s2", Quality.Good, 2, double.NaN, 1001), 0);
        var lines = new List<string>();
        await using var writer = new ResilientSinkWriter(new LineSink(lines), new WriteResilienceOptions(), TimeProvider.System, NullLogger.Instance);

        var refused = await writer.WriteAsync(batch, CancellationToken.None);

        var r = Assert.Single(refused);
        Assert.Equal((1, true), (r.Index, r.Unencodable));
        Assert.Single(lines);
    }

    [Fact]
    public void EncodeAndAdd_AllocateNothingPerPoint()
    {
        const int Points = 1000;
        var encoder = new LineProtocolEncoder();
        string[] quantities = ["fill_level", "pm2_5", "vehicle_count"];
        string[] sensors = [.. Enumerable.Range(0, 50).Select(i => $"s{i}")];
        void Run()
        {
            using var batch = new PointBatch(Points);
            for (int i = 0; i < Points; i++)
            {
                batch.Add(new TelemetryPoint(quantities[i % 3], "citybrain/v1/d1/g1/n1/telemetry", Topic, sensors[i % 50], Quality.Good, i, i * 0.5, 1000 + i), origin: i / 10);
            }

            using var lines = encoder.Encode(batch, null);
            Assert.Equal(Points, lines.Count);
        }

        Run(); // warms the pools and the escaped names
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Per batch: the batch and line objects and the line index arrays (2 x 4 KB); a string or array per point would be >= 24 KB.
        Assert.True(allocated < 12_000, $"{allocated} bytes allocated for {Points} points");
    }

    private sealed class LineSink(List<string> lines) : IPointSink
    {
        public string Name => "lines";

        public Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> content, int lineCount, CancellationToken cancellationToken)
        {
            lines.AddRange(System.Text.Encoding.UTF8.GetString(content.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            return Task.FromResult(SinkWriteResult.Ok);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using CityBrain.Sensing.Hosting;

namespace CityBrain.Edge.Tests.Hosting;

/// <summary>The latency histogram shared by the edge's health and the hub's ingest stages.</summary>
public sealed class LatencyHistogramTests
{
    [Fact]
    public void SnapshotAndReset_GivesTheIntervalsPercentilesAsBucketBounds_ThenStartsOver()
    {
        var h = new LatencyHistogram();
        for (int i = 0; i < 98; i++)
        {
            h.Record(40); // 1 ms buckets below 1 s: upper bound 41
        }

        h.Record(1234); // 10 ms buckets to 60 s: [1230, 1240)
        h.Record(1234);

        var first = h.SnapshotAndReset();
        var second = h.SnapshotAndReset();

        Assert.Equal(new LatencySnapshot(100, 41, 1240, 1234), first);
        Assert.Equal(new LatencySnapshot(0, 0, 0, 0), second);
    }

    [Fact]
    public void Record_BeyondSixtySeconds_TheOverflowBucketReportsTheMaximum()
    {
        var h = new LatencyHistogram();
        h.Record(5);
        h.Record(3_600_000, times: 3);

        Assert.Equal(4, h.Count);
        Assert.Equal(3_600_000, h.Percentile(0.99));
        Assert.Equal(6, h.Percentile(0.25));
        var buckets = h.Buckets();
        Assert.Equal([6L, long.MaxValue], buckets.UpperMs);
        Assert.Equal([1L, 3L], buckets.Counts);
    }

    [Fact]
    public void Record_NegativeLatency_ClockStep_CountsAsZero()
    {
        var h = new LatencyHistogram();
        h.Record(-250);

        Assert.Equal(1, h.Percentile(0.5));
        Assert.Equal(0, h.MaxMilliseconds);
    }
}

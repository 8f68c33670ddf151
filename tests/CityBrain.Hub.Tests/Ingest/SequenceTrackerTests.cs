using CityBrain.Hub.Ingest;

namespace CityBrain.Hub.Tests.Ingest;

public sealed class SequenceTrackerTests
{
    [Fact]
    public void Observe_InOrder_NoGapsNoDuplicates()
    {
        var t = new SequenceTracker();
        for (long s = 10; s < 20; s++)
        {
            t.Observe("n1", s);
        }

        Assert.Equal(new NodeSequenceSnapshot("n1", 19, 10, 0, 0, 0), t.Snapshot("n1"));
    }

    [Fact]
    public void Observe_SkippedNumbers_CountedAsMissing_LateArrivalFillsGap()
    {
        var t = new SequenceTracker();
        t.Observe("n1", 1);
        t.Observe("n1", 5); // 2,3,4 missing
        Assert.Equal(3, t.Snapshot("n1")!.Missing);
        t.Observe("n1", 3); // late
        var s = t.Snapshot("n1")!;
        Assert.Equal(2, s.Missing);
        Assert.Equal(1, s.LateArrivals);
        Assert.Equal(0, s.Duplicates);
    }

    [Fact]
    public void Observe_Redelivery_CountedAsDuplicates_PerNode()
    {
        var t = new SequenceTracker();
        foreach (long s in new long[] { 1, 2, 3, 2, 3, 4 })
        {
            t.Observe("n1", s);
        }

        t.Observe("n2", 7);
        Assert.Equal(2, t.Snapshot("n1")!.Duplicates);
        Assert.Equal(0, t.Snapshot("n1")!.Missing);
        Assert.Equal(["n1", "n2"], t.Snapshot().Select(x => x.Node).ToArray());
    }

    [Fact]
    public void Observe_BigJump_ClearsWindow_OldNumbersAreDuplicates()
    {
        var t = new SequenceTracker();
        t.Observe("n1", 0);
        t.Observe("n1", SequenceTracker.Window * 3L);
        Assert.Equal((SequenceTracker.Window * 3L) - 1, t.Snapshot("n1")!.Missing);
        t.Observe("n1", (SequenceTracker.Window * 3L) - 1); // inside the window: fills a gap
        t.Observe("n1", 5); // beyond the window: cannot tell, counted as duplicate
        var s = t.Snapshot("n1")!;
        Assert.Equal(1, s.LateArrivals);
        Assert.Equal(1, s.Duplicates);
    }
}

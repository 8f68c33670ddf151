using CityBrain.Edge.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Pipeline;

public sealed class LoadShedderTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void FullBatchOverTarget_FastSensorsShed_SlowOnesNever_AndEachSkipIsCounted()
    {
        var shedder = new LoadShedder(Target, _time);
        Assert.False(shedder.ShouldShed(Fast));

        shedder.ReportWait(TimeSpan.FromMilliseconds(101));

        Assert.True(shedder.ShouldShed(Fast));
        Assert.True(shedder.ShouldShed(TimeSpan.FromMilliseconds(999)));
        Assert.False(shedder.ShouldShed(LoadShedder.ExemptInterval));
        Assert.False(shedder.ShouldShed(TimeSpan.FromMinutes(1)));
        Assert.Equal(2, shedder.ShedTicks);
    }

    [Fact]
    public void WaitWithinTarget_OrADrainedLane_EndsSheddingAtOnce()
    {
        var shedder = new LoadShedder(Target, _time);
        shedder.ReportWait(TimeSpan.FromMilliseconds(400));
        Assert.True(shedder.IsShedding);

        shedder.ReportWait(TimeSpan.Zero);

        Assert.False(shedder.ShouldShed(Fast));
        shedder.ReportWait(TimeSpan.FromMilliseconds(400));
        shedder.ReportWait(Target);
        Assert.False(shedder.IsShedding);
    }

    [Fact]
    public void NoReportForHold_SheddingEnds_SoAPublisherWithoutConnectionNeverStopsSampling()
    {
        var shedder = new LoadShedder(Target, _time);
        shedder.ReportWait(TimeSpan.FromMilliseconds(400));

        _time.Advance(shedder.Hold - TimeSpan.FromMilliseconds(1));
        Assert.True(shedder.IsShedding);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(shedder.ShouldShed(Fast));
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(30_001)]
    public void ImplausibleWait_ClockStepOrBacklog_IsIgnored(int waitMs)
    {
        var shedder = new LoadShedder(Target, _time);

        shedder.ReportWait(TimeSpan.FromMilliseconds(waitMs));

        Assert.False(shedder.IsShedding);
    }

    [Fact]
    public void ZeroTarget_NeverSheds()
    {
        var shedder = new LoadShedder(TimeSpan.Zero, _time);

        shedder.ReportWait(TimeSpan.FromSeconds(5));

        Assert.False(shedder.Enabled);
        Assert.False(shedder.ShouldShed(Fast));
    }
}

using CityBrain.Edge.Processing;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class SpikeFilterTests : ProcessorTestBase
{
    [Fact]
    public void Reject_DropsValueFarFromMedianOfLastN()
    {
        var stage = new SpikeFilter(new SpikeFilterOptions { Window = 5, MaxDeviation = 10 });

        foreach (double v in new[] { 20.0, 21, 19, 22, 20, 95, 21, 20, 32, 31 })
        {
            Feed(stage, v);
        }

        // median of {20,21,19,22,20} = 20 → 95 rejected; later the median is 21: 32 (11 off) rejected, 31 (exactly 10) kept.
        Assert.Equal([20.0, 21, 19, 22, 20, 21, 20, 31], Values(Output.Readings));
    }

    [Fact]
    public void MarkUncertain_KeepsSpike_WithUncertainQuality()
    {
        var stage = new SpikeFilter(new SpikeFilterOptions { Window = 3, MaxDeviation = 5, Action = SpikeAction.MarkUncertain });

        foreach (double v in new[] { 10.0, 10, 10, 50, 10 })
        {
            Feed(stage, v);
        }

        Assert.Equal([10.0, 10, 10, 50, 10], Values(Output.Readings));
        Assert.Equal(Quality.Uncertain, Output.Readings[3].Quality);
        Assert.Equal(Quality.Good, Output.Readings[4].Quality);
    }

    [Fact]
    public void StepChange_AcceptedOnceItIsTheMajorityOfTheWindow()
    {
        var stage = new SpikeFilter(new SpikeFilterOptions { Window = 5, MaxDeviation = 5 });

        foreach (double v in new[] { 10.0, 10, 10, 10, 10, 50, 50, 50, 50, 50 })
        {
            Feed(stage, v);
        }

        // The history keeps the rejected values, so after three 50s the median is 50 and the fourth is accepted.
        Assert.Equal([10.0, 10, 10, 10, 10, 50, 50], Values(Output.Readings));
    }

    [Fact]
    public void BadReadings_PassUntouched_AndStayOutOfHistory_PerQuantity()
    {
        var stage = new SpikeFilter(new SpikeFilterOptions { Window = 3, MaxDeviation = 5 });

        Feed(stage, 10);
        Feed(stage, 10);
        Feed(stage, 999, quality: Quality.Bad);
        Feed(stage, 10);
        Feed(stage, 500, quantity: "pressure");
        Feed(stage, 100);

        Assert.Equal([10.0, 10, 999, 10, 500], Values(Output.Readings));
    }
}

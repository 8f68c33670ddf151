using CityBrain.Edge.Processing;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class RateOfChangeTests : ProcessorTestBase
{
    [Fact]
    public void EmitsRatePerSecond_AfterFirstReading_KeepsInput()
    {
        var stage = new RateOfChange(new RateOfChangeOptions());

        Feed(stage, 10, TimeSpan.FromSeconds(4));
        DateTimeOffset second = Now;
        Feed(stage, 18);

        Assert.Equal(["temperature", "temperature", "temperature_rate"], Output.Readings.Select(r => r.Quantity));
        Reading rate = Output.Readings[2];
        Assert.Equal(2, rate.Value);
        Assert.Equal("°C/s", rate.Unit);
        Assert.Equal(second, rate.Timestamp);
    }

    [Fact]
    public void PerMinute_WithoutInput_WorstQuality_SkipsBadAndNonIncreasingTime()
    {
        var stage = new RateOfChange(new RateOfChangeOptions { Per = TimeSpan.FromMinutes(1), KeepInput = false });

        Feed(stage, 0, TimeSpan.FromSeconds(30));
        Feed(stage, 999, TimeSpan.FromSeconds(30), quality: Quality.Bad);
        Feed(stage, 3, TimeSpan.Zero, quality: Quality.Uncertain);
        Feed(stage, 7);

        Reading rate = Assert.Single(Output.Readings);
        Assert.Equal(3, rate.Value);
        Assert.Equal("°C/min", rate.Unit);
        Assert.Equal(Quality.Uncertain, rate.Quality);
    }
}

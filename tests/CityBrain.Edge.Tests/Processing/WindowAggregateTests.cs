using CityBrain.Edge.Processing;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class WindowAggregateTests : ProcessorTestBase
{
    private readonly DateTimeOffset _windowEnd;

    public WindowAggregateTests() => _windowEnd = Now.AddMinutes(1);

    [Fact]
    public void Tick_ClosesWindow_EmitsMinMaxMeanCount_AtWindowEnd()
    {
        var stage = new WindowAggregate(new WindowAggregateOptions { Length = TimeSpan.FromMinutes(1) });
        foreach (double v in new[] { 4.0, 1, 7 })
        {
            Feed(stage, v, TimeSpan.FromSeconds(10));
        }

        stage.Tick(Now, Output);
        Assert.Empty(Output.Readings);
        Clock.Advance(TimeSpan.FromSeconds(30));
        stage.Tick(Now, Output);

        Assert.Equal(["temperature_min", "temperature_max", "temperature_mean", "temperature_count"], Output.Readings.Select(r => r.Quantity));
        Assert.Equal([1.0, 7, 4, 3], Values(Output.Readings));
        Assert.All(Output.Readings, r => Assert.Equal(_windowEnd, r.Timestamp));
        Assert.Equal(["°C", "°C", "°C", "count"], Output.Readings.Select(r => r.Unit));
        Output.Readings.Clear();
        stage.Tick(Now.AddMinutes(5), Output);
        Assert.Empty(Output.Readings);
    }

    [Fact]
    public void Process_ReadingOfNextWindow_ClosesTheOpenOne_SubsetOfOutputs()
    {
        var stage = new WindowAggregate(new WindowAggregateOptions { Length = TimeSpan.FromMinutes(1), Outputs = WindowOutputs.Mean | WindowOutputs.Count });
        Feed(stage, 2, TimeSpan.FromSeconds(30));
        Feed(stage, 4, TimeSpan.FromSeconds(31));

        Feed(stage, 100);

        Assert.Equal(["temperature_mean", "temperature_count"], Output.Readings.Select(r => r.Quantity));
        Assert.Equal([3.0, 2], Values(Output.Readings));
        Output.Readings.Clear();
        Clock.Advance(TimeSpan.FromMinutes(1));
        stage.Tick(Now, Output);
        Assert.Equal([100.0, 1], Values(Output.Readings));
        Assert.Equal(_windowEnd.AddMinutes(1), Output.Readings[0].Timestamp);
    }

    [Fact]
    public void Quality_WorstOfInputs_BadExcluded_PerQuantity()
    {
        var stage = new WindowAggregate(new WindowAggregateOptions { Length = TimeSpan.FromMinutes(1), Outputs = WindowOutputs.Max | WindowOutputs.Count });
        Feed(stage, 1);
        Feed(stage, 2, quality: Quality.Uncertain);
        Feed(stage, 1000, quality: Quality.Bad);
        Feed(stage, 55, quantity: "humidity");

        stage.Tick(_windowEnd, Output);

        Reading max = Output.Readings.Single(r => r.Quantity == "temperature_max");
        Assert.Equal(2, max.Value);
        Assert.Equal(Quality.Uncertain, max.Quality);
        Assert.Equal(2, Output.Readings.Single(r => r.Quantity == "temperature_count").Value);
        Assert.Equal(55, Output.Readings.Single(r => r.Quantity == "humidity_max").Value);
    }
}

using CityBrain.Edge.Processing;
using CityBrain.Sensing;

namespace CityBrain.Edge.Tests.Processing;

public sealed class RangeCheckTests : ProcessorTestBase
{
    [Theory]
    [InlineData(50, Quality.Good)]
    [InlineData(5, Quality.Good)]
    [InlineData(80, Quality.Good)]
    [InlineData(0, Quality.Uncertain)]
    [InlineData(100, Quality.Uncertain)]
    [InlineData(-0.1, Quality.Bad)]
    [InlineData(100.1, Quality.Bad)]
    [InlineData(85, Quality.Uncertain)]
    [InlineData(4, Quality.Uncertain)]
    public void Process_SetsQualityByRange(double value, Quality expected)
    {
        var stage = new RangeCheck(new RangeCheckOptions { Min = 0, Max = 100, PlausibleMin = 5, PlausibleMax = 80 });

        stage.Process(At(value), Output);

        Reading output = Assert.Single(Output.Readings);
        Assert.Equal(expected, output.Quality);
        Assert.Equal(value, output.Value);
    }

    [Fact]
    public void Process_OutsideQualityConfigurable_AndNeverRaisesQuality()
    {
        var stage = new RangeCheck(new RangeCheckOptions { Max = 10, OutsideQuality = Quality.Uncertain });

        stage.Process(At(11), Output);
        stage.Process(At(5, quality: Quality.Bad), Output);
        stage.Process(At(50, quality: Quality.Bad), Output);

        Assert.Equal([Quality.Uncertain, Quality.Bad, Quality.Bad], Output.Readings.Select(r => r.Quality));
    }

    [Fact]
    public void Options_Invalid_NameFieldAndValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RangeCheck(new RangeCheckOptions { Min = 10, Max = 0 }));
        Assert.Contains("Min (10) is above Max (0)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RangeCheck(new RangeCheckOptions()));
    }
}

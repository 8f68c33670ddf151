using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Chips;

public sealed class Vl53l0xTests
{
    private const string Bin = """{ "bus": "i2c-1", "chip": "vl53l0x", "binDepthMm": 1000 }""";

    [Fact]
    public async Task Read_250mmInA1000mmBin_Is75PercentFull()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedVl53l0x { DistanceMm = 250 };
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("bin-07", Bin);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Faults);
        Assert.Equal(0.25, poll.Single("distance").Value, 12);
        Assert.Equal("m", poll.Single("distance").Unit);
        Assert.Equal(75.0, poll.Single("fill_level").Value, 12);
        Assert.Equal("%", poll.Single("fill_level").Unit);
        Assert.True(chip.Measurements >= 1);
    }

    [Fact]
    public async Task Read_NoTarget8190_OutOfRangeFault()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        node.Chips.Add(1, new SimulatedVl53l0x { DistanceMm = 8190 });
        var sensor = await node.SensorAsync("bin-07", Bin);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.OutOfRange, Assert.Single(poll.Faults).Code);
    }

    [Theory]
    [InlineData(0, 100.0)]
    [InlineData(1000, 0.0)]
    [InlineData(1100, 0.0)]
    [InlineData(400, 60.0)]
    public void FillLevel_ClampsToTheBin(int distanceMm, double expected) =>
        Assert.Equal(expected, CityBrain.Drivers.I2c.Chips.Vl53l0xChip.FillLevel(distanceMm, 1000), 12);
}

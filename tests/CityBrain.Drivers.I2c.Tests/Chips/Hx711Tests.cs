using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Chips;

public sealed class Hx711Tests
{
    private const string Bin = """{ "bus": "i2c-1", "chip": "hx711", "tareRaw": 8400000, "countsPerKg": 2000, "samples": 4 }""";

    [Fact]
    public async Task Weight_TareAndCalibrationFromConfig()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        // HX711 datasheet: 24-bit two's complement; the board hands it on in offset binary: 0x00_3E80 ^ 0x80_0000 = 8404608.
        node.Chips.Add(1, new SimulatedHx711Board { Output = 0x3E80 });
        var sensor = await node.SensorAsync("bin-07-weight", Bin);

        var poll = await I2cTestNode.PollAsync(sensor);

        var w = poll.Single("weight");
        Assert.Equal((8404608 - 8400000) / 2000.0, w.Value, 12);
        Assert.Equal("kg", w.Unit);
    }

    [Fact]
    public async Task Weight_NegativeOutput_BelowTare()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        node.Chips.Add(1, new SimulatedHx711Board { Output = 0xFFFFFF }); // −1
        var sensor = await node.SensorAsync("bin-07-weight", Bin);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Equal((8388607 - 8400000) / 2000.0, poll.Single("weight").Value, 12);
    }

    [Fact]
    public async Task Weight_BoardNeverReady_NotReadyFaultInsteadOfTheBindingsEndlessLoop()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        node.Chips.Add(1, new SimulatedHx711Board { Ready = false });
        var sensor = await node.SensorAsync("bin-07-weight", Bin);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.NotReady, Assert.Single(poll.Faults).Code);
    }
}

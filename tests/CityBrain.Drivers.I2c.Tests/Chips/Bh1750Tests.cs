using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Chips;

public sealed class Bh1750Tests
{
    [Fact]
    public async Task Read_DatasheetExample_0x8390_Is28067Lux()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedBh1750 { Raw = 0x8390 };
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("light-1", """{ "bus": "i2c-1", "chip": "bh1750" }""");

        var poll = await I2cTestNode.PollAsync(sensor);

        // BH1750FVI datasheet p.10: 1000_0011_1001_0000b / 1.2 ≈ 28067 lx (high-resolution mode).
        var lux = poll.Single("illuminance");
        Assert.Equal(33680 / 1.2, lux.Value, 9);
        Assert.Equal("lx", lux.Unit);
        Assert.Contains((byte)0x10, chip.Opcodes); // continuous high-resolution mode
    }

    [Fact]
    public async Task Read_Saturated_OutOfRangeFault()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        node.Chips.Add(1, new SimulatedBh1750 { Raw = 0xFFFF });
        var sensor = await node.SensorAsync("light-1", """{ "bus": "i2c-1", "chip": "bh1750" }""");

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.OutOfRange, Assert.Single(poll.Faults).Code);
    }
}

using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Chips;

public sealed class Ads1115Tests
{
    // ADS1115 datasheet table 3: LSB = FSR / 2¹⁵ for each PGA setting.
    [Theory]
    [InlineData(6.144, 187.5e-6)]
    [InlineData(4.096, 125e-6)]
    [InlineData(2.048, 62.5e-6)]
    [InlineData(1.024, 31.25e-6)]
    [InlineData(0.512, 15.625e-6)]
    [InlineData(0.256, 7.8125e-6)]
    public async Task Voltage_LsbPerRange_MatchesDatasheet(double fullScale, double lsb)
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedAds1115();
        chip.Raw[5] = 1000; // AIN1 single-ended
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("adc", $$"""{ "bus": "i2c-1", "chip": "ads1115", "channel": "ain1", "fullScaleV": {{fullScale}} }""");

        var poll = await I2cTestNode.PollAsync(sensor);

        var v = poll.Single("voltage");
        Assert.Equal(1000 * lsb, v.Value, 12);
        Assert.Equal("V", v.Unit);
        Assert.Equal(5, chip.LastMux);
    }

    [Fact]
    public async Task Differential_NegativeCode_ScalesLikeSingleEnded()
    {
        // Datasheet table 3: 0x8001 = −FS·(2¹⁵−1)/2¹⁵. 4.2.0 scales differential codes with the same FS/2¹⁵ (correct).
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedAds1115();
        chip.Raw[0] = -32767; // AIN0−AIN1
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("adc", """{ "bus": "i2c-1", "chip": "ads1115", "channel": "ain0-ain1", "fullScaleV": 2.048 }""");

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Equal(-2.048 * 32767 / 32768, poll.Single("voltage").Value, 12);
        Assert.Equal(0, chip.LastMux);
        Assert.Equal(2, chip.LastPga);
    }

    private const string WaterLevel = """
        { "bus": "i2c-1", "chip": "ads1115", "channel": "ain0", "fullScaleV": 4.096, "signal": "current", "shuntOhms": 150,
          "quantity": "water_level", "unit": "m", "curve": [[4, 0], [20, 5]] }
        """;

    [Fact]
    public async Task CurrentLoop_12mA_IsHalfTheLevelRange()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedAds1115();
        chip.Raw[4] = 14400; // 14400 · 125 µV = 1.8 V across 150 Ω = 12 mA
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("river-1", WaterLevel);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Equal(12.0, poll.Single("current_4_20").Value, 12);
        Assert.Equal("mA", poll.Single("current_4_20").Unit);
        var level = poll.Single("water_level");
        Assert.Equal(2.5, level.Value, 12);
        Assert.Equal("m", level.Unit);
    }

    [Fact]
    public async Task CurrentLoop_BrokenWire_OutOfRangeFaultAndNoLevel()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedAds1115();
        chip.Raw[4] = 8; // 0.007 mA: the loop is open
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("river-1", WaterLevel);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.OutOfRange, Assert.Single(poll.Faults).Code);
    }

    [Fact]
    public async Task Voltage_GasCurveWithThreePoints_InterpolatesPiecewise()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedAds1115();
        chip.Raw[6] = 12000; // 1.5 V
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("odour-1", """
            { "bus": "i2c-1", "chip": "ads1115", "channel": "ain2", "quantity": "odour_gas", "unit": "ppm", "curve": [[0.4, 0], [1.0, 10], [2.0, 50]] }
            """);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Equal(30.0, poll.Single("odour_gas").Value, 9);
    }

    [Fact]
    public async Task Clipped_OutOfRangeFault()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedAds1115();
        chip.Raw[4] = short.MaxValue;
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("adc", """{ "bus": "i2c-1", "chip": "ads1115" }""");

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Equal(FaultCodes.OutOfRange, Assert.Single(poll.Faults).Code);
    }
}

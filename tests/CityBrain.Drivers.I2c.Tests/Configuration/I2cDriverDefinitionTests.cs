using CityBrain.Drivers.I2c.Tests.Driver;

namespace CityBrain.Drivers.I2c.Tests.Configuration;

public sealed class I2cDriverDefinitionTests
{
    private static I2cTestNode Node() => new I2cTestNode().Bus("i2c-1", 1);

    [Theory]
    [InlineData("""{ "bus": "i2c-1", "chip": "bme280" }""")]
    [InlineData("""{ "bus": "i2c-1", "chip": "vl53l0x", "binDepthMm": 900 }""")]
    [InlineData("""{ "bus": "i2c-1", "chip": "ads1115", "signal": "current", "shuntOhms": 150, "quantity": "water_level", "unit": "m", "curve": [[4, 0], [20, 5]] }""")]
    [InlineData("""{ "bus": "i2c-1", "chip": "hx711", "tareRaw": 8400000, "countsPerKg": 2000 }""")]
    public async Task Check_ValidEntries_NoErrors(string json)
    {
        await using var node = Node();
        Assert.Empty(node.Check(json));
    }

    [Theory]
    [InlineData("""{ "bus": "i2c-9", "chip": "bme280" }""", "/sensors/0/bus", "\"i2c-9\"")]
    [InlineData("""{ "bus": "i2c-1", "chip": "bmp999" }""", "/sensors/0/chip", "\"bmp999\"")]
    [InlineData("""{ "bus": "i2c-1", "chip": "bme280", "address": 35 }""", "/sensors/0/address", "35")]
    [InlineData("""{ "bus": "i2c-1", "chip": "vl53l0x" }""", "/sensors/0/binDepthMm", null)]
    [InlineData("""{ "bus": "i2c-1", "chip": "hx711", "tareRaw": 1 }""", "/sensors/0/countsPerKg", null)]
    [InlineData("""{ "bus": "i2c-1", "chip": "ads1115", "signal": "current" }""", "/sensors/0/shuntOhms", null)]
    [InlineData("""{ "bus": "i2c-1", "chip": "ads1115", "signal": "current", "shuntOhms": 250 }""", "/sensors/0/shuntOhms", "250")]
    [InlineData("""{ "bus": "i2c-1", "chip": "ads1115", "quantity": "water_level", "unit": "m", "curve": [[20, 5], [4, 0]] }""", "/sensors/0/curve/1", null)]
    [InlineData("""{ "bus": "i2c-1", "chip": "ads1115", "fullScaleV": 3.3 }""", "/sensors/0/fullScaleV", "3.3")]
    public async Task Check_BadField_ErrorNamesPathValueAndFix(string json, string path, string? value)
    {
        await using var node = Node();

        var error = Assert.Single(node.Check(json));

        Assert.Equal(path, error.Path);
        Assert.Equal(value, error.Value);
        Assert.False(string.IsNullOrWhiteSpace(error.Fix));
    }

    [Fact]
    public async Task Check_Scd4xPolledFasterThanItMeasures_Error()
    {
        await using var node = Node();

        var error = Assert.Single(node.Check("""{ "bus": "i2c-1", "chip": "scd4x" }""", intervalMs: 1000));

        Assert.Equal("/sensors/0/intervalMs", error.Path);
    }

    [Fact]
    public async Task CheckNode_TwoChipsAtOneAddress_Error_ButAds1115ChannelsMayShare()
    {
        await using var node = Node();
        var definition = new I2cDriverDefinition();
        var buses = new Dictionary<string, CityBrain.Sensing.Drivers.ConfiguredBus>
        {
            ["i2c-1"] = new(new("i2c-1", "i2c", "/buses/0"), new I2cBusFields { BusNumber = 1 }),
        };
        var context = new CityBrain.Sensing.Drivers.DriverConfigContext(".", buses);
        CityBrain.Sensing.Drivers.ConfiguredSensor Sensor(int i, I2cSensorFields f) =>
            new(new("s" + i, "i2c", "/sensors/" + i, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), f);

        definition.CheckNode(
        [
            Sensor(0, new I2cSensorFields { Bus = "i2c-1", Chip = "ads1115", Channel = "ain0" }),
            Sensor(1, new I2cSensorFields { Bus = "i2c-1", Chip = "ads1115", Channel = "ain1" }),
            Sensor(2, new I2cSensorFields { Bus = "i2c-1", Chip = "sht3x" }),
            Sensor(3, new I2cSensorFields { Bus = "i2c-1", Chip = "sht4x" }),
        ], context);

        var error = Assert.Single(context.Errors);
        Assert.Equal("/sensors/3/address", error.Path);
        Assert.Contains("0x44", error.Problem, StringComparison.Ordinal);
    }
}

using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Chips;

public sealed class Bme280Tests
{
    private const string Sensor = """{ "bus": "i2c-1", "chip": "bme280", "address": 118 }""";

    /// <summary>The datasheet's double-precision humidity compensation (BME280 datasheet 4.2.3), with signed dig_H4/H5.</summary>
    private static double ReferenceHumidity(double tFine, int adcH, byte h1, short h2, byte h3, short h4, short h5, sbyte h6)
    {
        double v = tFine - 76800.0;
        v = (adcH - ((h4 * 64.0) + (h5 / 16384.0 * v))) * (h2 / 65536.0 * (1.0 + (h6 / 67108864.0 * v * (1.0 + (h3 / 67108864.0 * v)))));
        v *= 1.0 - (h1 * v / 524288.0);
        return Math.Clamp(v, 0, 100);
    }

    private const double DatasheetTFine = 128422.28700578213; // from adc_T 519888 with the datasheet's dig_T

    [Fact]
    public async Task Read_DatasheetCompensationExample_GivesDatasheetTemperatureAndPressure()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedBme280().WithDatasheetCalibration().WithHumidityCalibration(75, 362, 0, 0x13, 0x22, 0x03, 30);
        chip.NextRaw = (519888, 415148, 30000);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("weather-1", Sensor);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.True(poll.Faults.Count == 0, string.Join("; ", poll.Faults));
        var t = poll.Single("air_temperature");
        Assert.Equal("degC", t.Unit);
        Assert.Equal(25.08, t.Value, 2); // BMP280 datasheet 3.12: T = 25.08 °C
        var p = poll.Single("air_pressure");
        Assert.Equal("hPa", p.Unit);
        Assert.Equal(1006.5327, p.Value, 4); // p = 100653.27 Pa
        var h = poll.Single("relative_humidity");
        Assert.Equal("%", h.Unit);
        Assert.Equal(ReferenceHumidity(DatasheetTFine, 30000, 75, 362, 0, (0x13 << 4) | 0x2, (0x03 << 4) | 0x2, 30), h.Value, 9);
        Assert.Equal(node.Time.GetUtcNow(), t.Timestamp);
    }

    [Fact]
    public async Task Read_NegativeDigH4_HumidityFollowsTheDatasheetNotTheBinding()
    {
        // dig_H4 = (int8)0xFF·16 | 0x8 = −8 (datasheet: signed); 4.2.0 reads 0xFF8 = 4088 and gets humidity 0 % instead.
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedBme280().WithDatasheetCalibration().WithHumidityCalibration(75, 362, 0, 0xFF, 0x28, 0x03, 30);
        chip.NextRaw = (519888, 415148, 8500);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("weather-1", Sensor);

        var poll = await I2cTestNode.PollAsync(sensor);

        double expected = ReferenceHumidity(DatasheetTFine, 8500, 75, 362, 0, -8, (0x03 << 4) | 0x2, 30);
        Assert.InRange(expected, 1, 99);
        Assert.Equal(expected, poll.Single("relative_humidity").Value, 9);

        // The binding alone, on the same chip: its unsigned dig_H4 (4088) clips humidity to 0 %.
        using var plain = new Iot.Device.Bmxx80.Bme280(chip.Open());
        plain.SetPowerMode(Iot.Device.Bmxx80.PowerMode.Bmx280PowerMode.Forced);
        Assert.True(plain.TryReadHumidity(out var bindingHumidity));
        Assert.Equal(0.0, bindingHumidity.Percent);
    }

    [Fact]
    public async Task Poll_EachPollForcesAFreshConversion_ValuesDoNotFreeze()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedBme280().WithDatasheetCalibration().WithHumidityCalibration(75, 362, 0, 0x13, 0x22, 0x03, 30);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("weather-1", Sensor);

        chip.NextRaw = (519888, 415148, 30000);
        var first = await I2cTestNode.PollAsync(sensor);
        chip.NextRaw = (530000, 415148, 30000);
        var second = await I2cTestNode.PollAsync(sensor);

        Assert.Equal(2, chip.ForcedMeasurements);
        Assert.True(second.Single("air_temperature").Value > first.Single("air_temperature").Value + 1);
    }

    [Fact]
    public async Task Poll_DataRegistersAtResetValue_NotReadyFaultAndNoValue()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedBme280().WithDatasheetCalibration();
        chip.NextRaw = (0x80000, 0x80000, 0x8000); // what a chip that skipped the measurement holds
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("weather-1", Sensor);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.NotReady, Assert.Single(poll.Faults).Code);
    }

    [Fact]
    public async Task Create_WrongChipIdAtTheAddress_WrongChipFault()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedBme280().WithDatasheetCalibration();
        chip[0xD0] = 0x58; // a BMP280 answers
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("weather-1", Sensor);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        var fault = Assert.Single(poll.Faults);
        Assert.Equal(FaultCodes.WrongChip, fault.Code);
        Assert.Contains("0x76", fault.Message, StringComparison.Ordinal);
    }
}

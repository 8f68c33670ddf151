using CityBrain.Drivers.I2c.Chips;
using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Chips;

/// <summary>SHT3x, SHT4x and SCD4x: conversions from the datasheets, CRC-8 per word.</summary>
public sealed class SensirionTests
{
    [Fact]
    public void Crc_DatasheetExample_0xBEEF_Is0x92() => Assert.Equal(0x92, SensirionCrc.Compute(0xBE, 0xEF));

    private static SimulatedSensirionChip Sht3x(ushort t, ushort rh) =>
        new(0x44, cmd => cmd is [0x24, 0x00] ? [t, rh] : null);

    [Fact]
    public async Task Sht3x_RawWords_DatasheetConversion()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        node.Chips.Add(1, Sht3x(0x6666, 0x8000));
        var sensor = await node.SensorAsync("th-1", """{ "bus": "i2c-1", "chip": "sht3x" }""");

        var poll = await I2cTestNode.PollAsync(sensor);

        // SHT3x-DIS 4.13: T = −45 + 175·26214/65535, RH = 100·32768/65535 (not rounded to 0.1 as the binding does).
        Assert.Equal(-45 + (175.0 * 26214 / 65535), poll.Single("air_temperature").Value, 12);
        Assert.Equal(100.0 * 32768 / 65535, poll.Single("relative_humidity").Value, 12);
        Assert.Equal("degC", poll.Single("air_temperature").Unit);
    }

    [Fact]
    public async Task Sht3x_CrcFailureOnEveryAttempt_CrcFaultNotThePreviousValue()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = Sht3x(0x6666, 0x8000);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("th-1", """{ "bus": "i2c-1", "chip": "sht3x", "retries": 1 }""");
        Assert.Empty((await I2cTestNode.PollAsync(sensor)).Faults);

        chip.CorruptNext = 2; // the attempt and its one retry
        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.Crc, Assert.Single(poll.Faults).Code);
    }

    [Fact]
    public async Task Sht3x_OneCrcFailure_RetriedWithinThePoll()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = Sht3x(0x6666, 0x8000);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("th-1", """{ "bus": "i2c-1", "chip": "sht3x" }""");

        chip.CorruptNext = 1;
        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Faults);
        Assert.Equal(2, poll.Readings.Count);
        Assert.Equal("1", ((ISensorDiagnostics)sensor).Diagnostics()["retries"]);
    }

    [Fact]
    public async Task Sht4x_RawWords_DatasheetConversion_AndCrcFault()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = new SimulatedSensirionChip(0x44, cmd => cmd is [0xFD] ? [0x6666, 0x8000] : null);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("th-2", """{ "bus": "i2c-1", "chip": "sht4x", "retries": 0 }""");

        var poll = await I2cTestNode.PollAsync(sensor);
        chip.CorruptNext = 1;
        var bad = await I2cTestNode.PollAsync(sensor);

        // SHT4x datasheet 4.5: T = −45 + 175·S/65535, RH = −6 + 125·S/65535.
        Assert.Equal(-45 + (175.0 * 0x6666 / 65535), poll.Single("air_temperature").Value, 9);
        Assert.Equal(-6 + (125.0 * 0x8000 / 65535), poll.Single("relative_humidity").Value, 9);
        Assert.Empty(bad.Readings);
        Assert.Equal(FaultCodes.Crc, Assert.Single(bad.Faults).Code);
    }

    private static SimulatedSensirionChip Scd4x(Func<bool> ready) => new(0x62, cmd => cmd switch
    {
        [0xE4, 0xB8] => [ready() ? (ushort)0x8006 : (ushort)0x8000],
        [0xEC, 0x05] => [0x01F4, 0x6667, 0x5EB9],
        _ => null,
    });

    [Fact]
    public async Task Scd4x_DatasheetReadMeasurementExample_500ppm_25degC_37percent()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var chip = Scd4x(() => true);
        node.Chips.Add(1, chip);
        var sensor = await node.SensorAsync("co2-1", """{ "bus": "i2c-1", "chip": "scd4x" }""", intervalMs: 5000);

        var poll = await I2cTestNode.PollAsync(sensor);

        // SCD4x datasheet 3.6.2 example: 0x01F4 → 500 ppm, 0x6667 → −45 + 175·26215/2¹⁶ ≈ 25.0 °C, 0x5EB9 → 100·24249/2¹⁶ ≈ 37 %.
        Assert.Equal(500, poll.Single("co2").Value);
        Assert.Equal("ppm", poll.Single("co2").Unit);
        Assert.Equal(-45 + (175.0 * 26215 / 65536), poll.Single("air_temperature").Value, 12);
        Assert.Equal(100.0 * 24249 / 65536, poll.Single("relative_humidity").Value, 12);
        Assert.Contains("21B1", chip.Commands); // periodic measurement started after the binding's reset
    }

    [Fact]
    public async Task Scd4x_NoNewMeasurement_NotReadyFaultNotTheLastValue()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        bool ready = true;
        node.Chips.Add(1, Scd4x(() => ready));
        var sensor = await node.SensorAsync("co2-1", """{ "bus": "i2c-1", "chip": "scd4x" }""", intervalMs: 5000);
        Assert.Equal(3, (await I2cTestNode.PollAsync(sensor)).Readings.Count);

        ready = false;
        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        Assert.Equal(FaultCodes.NotReady, Assert.Single(poll.Faults).Code);
    }
}

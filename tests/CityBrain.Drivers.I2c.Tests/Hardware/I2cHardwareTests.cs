using CityBrain.Drivers.I2c.Tests.Driver;
using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using System.Text.Json;
using Xunit.Abstractions;

namespace CityBrain.Drivers.I2c.Tests.Hardware;

/// <summary>
/// For a technician on a real Pi; CI never runs them (scripts/test.sh leaves <c>Category=Hardware</c> out).
/// Wiring: the chips on /dev/i2c-N as in their READMEs (drivers/CityBrain.Drivers.I2c/Chips/*/README.md), N given by
/// <c>CITYBRAIN_I2C_BUS</c> (default 1: header pins 3 SDA, 5 SCL, 1 3.3 V, 6 GND; enable with <c>dtparam=i2c_arm=on</c>).
/// Run: <c>CITYBRAIN_I2C_BUS=1 dotnet test tests/CityBrain.Drivers.I2c.Tests --filter Category=Hardware</c>.
/// Each chip test reads the chip at its default address if the scan found it, and is otherwise a no-op with a message.
/// </summary>
[Trait("Category", "Hardware")]
public sealed class I2cHardwareTests(ITestOutputHelper output)
{
    private static int BusNumber => int.TryParse(Environment.GetEnvironmentVariable("CITYBRAIN_I2C_BUS"), out int n) ? n : 1;

    [Fact]
    public void Scan_FindsTheWiredChips()
    {
        var found = I2cScan.Run(new SystemI2cDeviceFactory(), BusNumber);

        output.WriteLine($"/dev/i2c-{BusNumber}: " + string.Join(" ", found.Select(a => $"0x{a:x2}")));
        Assert.NotEmpty(found);
    }

    [Theory]
    [InlineData("bme280", 0x76, """{ "bus": "hw", "chip": "bme280" }""")]
    [InlineData("sht3x", 0x44, """{ "bus": "hw", "chip": "sht3x" }""")]
    [InlineData("bh1750", 0x23, """{ "bus": "hw", "chip": "bh1750" }""")]
    [InlineData("scd4x", 0x62, """{ "bus": "hw", "chip": "scd4x" }""")]
    [InlineData("vl53l0x", 0x29, """{ "bus": "hw", "chip": "vl53l0x", "binDepthMm": 1000 }""")]
    [InlineData("ads1115", 0x48, """{ "bus": "hw", "chip": "ads1115" }""")]
    [InlineData("hx711", 0x64, """{ "bus": "hw", "chip": "hx711", "tareRaw": 0, "countsPerKg": 1 }""")]
    public async Task Chip_AtItsDefaultAddress_GivesPlausibleReadings(string chip, int address, string fields)
    {
        if (!I2cScan.Run(new SystemI2cDeviceFactory(), BusNumber, address, address).Any())
        {
            output.WriteLine($"no {chip} at 0x{address:x2} on /dev/i2c-{BusNumber}: skipped");
            return;
        }

        var buses = new Dictionary<string, ConfiguredBus> { ["hw"] = new(new("hw", "i2c", "/buses/0"), new I2cBusFields { BusNumber = BusNumber }) };
        var definition = new I2cDriverDefinition();
        var context = new DriverConfigContext(".", buses);
        var spec = new SensorSpec(chip, "i2c", "/sensors/0", TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6));
        using var doc = JsonDocument.Parse(fields);
        var options = definition.ReadOptions(doc.RootElement, spec, context)!;
        await using var hardware = new HardwareContext(TimeProvider.System, buses: buses);
        await using var sensor = await definition.CreateAsync(new ConfiguredSensor(spec, options), hardware, CancellationToken.None);

        var poll = await I2cTestNode.PollAsync(sensor);
        if (chip == "scd4x" && poll.Faults.Any(f => f.Code == FaultCodes.NotReady))
        {
            await Task.Delay(TimeSpan.FromSeconds(5.5)); // real hardware: the first measurement comes 5 s after start
            poll = await I2cTestNode.PollAsync(sensor);
        }

        foreach (var r in poll.Readings)
        {
            output.WriteLine($"{r.Quantity} = {r.Value} {r.Unit}");
        }

        Assert.True(poll.Faults.Count == 0, string.Join("; ", poll.Faults));
        Assert.Equal(sensor.Quantities.Count, poll.Readings.Count);
    }
}

using CityBrain.Testing.I2c;
using CityBrain.Sensing;

namespace CityBrain.Drivers.I2c.Tests.Driver;

/// <summary>Faults, retries and the bus lock, whatever the chip.</summary>
public sealed class I2cSensorDriverTests
{
    private const string Light = """{ "bus": "i2c-1", "chip": "bh1750" }""";
    private const string Weather = """{ "bus": "i2c-1", "chip": "bme280" }""";

    [Fact]
    public async Task Poll_NoChipAtTheAddress_AbsentFaultNamingTheAddressAndNoValue()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var sensor = await node.SensorAsync("light-1", Light);

        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Readings);
        var fault = Assert.Single(poll.Faults);
        Assert.Equal(FaultCodes.Absent, fault.Code);
        Assert.Contains("0x23", fault.Message, StringComparison.Ordinal);
        Assert.Contains("/dev/i2c-1", fault.Message, StringComparison.Ordinal);
        Assert.Equal("light-1", fault.Sensor);
    }

    [Fact]
    public async Task Poll_OneDeadChipOnTheBus_TheOthersKeepReading()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var light = new SimulatedBh1750 { Raw = 1200 };
        var weather = new SimulatedBme280().WithDatasheetCalibration().WithHumidityCalibration(75, 362, 0, 0x13, 0x22, 0x03, 30);
        weather.NextRaw = (519888, 415148, 30000);
        node.Chips.Add(1, light).Add(1, weather);
        var lightSensor = await node.SensorAsync("light-1", Light);
        var weatherSensor = await node.SensorAsync("weather-1", Weather);
        Assert.Single((await I2cTestNode.PollAsync(lightSensor)).Readings);

        light.Unplugged = true;
        var deadPoll = await I2cTestNode.PollAsync(lightSensor);
        var livePoll = await I2cTestNode.PollAsync(weatherSensor);

        Assert.Empty(deadPoll.Readings); // never the last good value
        Assert.Equal(FaultCodes.Absent, Assert.Single(deadPoll.Faults).Code);
        Assert.Empty(livePoll.Faults);
        Assert.Equal(3, livePoll.Readings.Count);

        light.Unplugged = false; // plugged back: the binding's init runs again
        var back = await I2cTestNode.PollAsync(lightSensor);
        Assert.Equal(1000.0, back.Single("illuminance").Value, 9);
        Assert.Equal("2", ((ISensorDiagnostics)lightSensor).Diagnostics()["inits"]);
    }

    [Fact]
    public async Task Poll_Error121Once_RetriedWithinThePoll()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var light = new SimulatedBh1750 { Raw = 1200 };
        node.Chips.Add(1, light);
        var sensor = await node.SensorAsync("light-1", Light);
        Assert.Empty((await I2cTestNode.PollAsync(sensor)).Faults);

        light.FailNext = 1;
        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Empty(poll.Faults);
        Assert.Single(poll.Readings);
    }

    [Fact]
    public async Task Poll_Error110_TimeoutFaultNotRetried()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var light = new SimulatedBh1750 { Raw = 1200 };
        node.Chips.Add(1, light);
        var sensor = await node.SensorAsync("light-1", """{ "bus": "i2c-1", "chip": "bh1750", "retries": 5 }""");
        Assert.Empty((await I2cTestNode.PollAsync(sensor)).Faults);
        int before = light.Transfers;

        light.FailErrno = 110;
        light.FailNext = 100;
        var poll = await I2cTestNode.PollAsync(sensor);

        var fault = Assert.Single(poll.Faults);
        Assert.Equal(FaultCodes.Timeout, fault.Code);
        Assert.Contains("errno 110", fault.Message, StringComparison.Ordinal);
        Assert.Equal(1, light.Transfers - before); // a stuck bus is not hammered
    }

    [Fact]
    public async Task Poll_PersistentBusError_BoundedRetriesThenFault()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1);
        var light = new SimulatedBh1750 { Raw = 1200 };
        node.Chips.Add(1, light);
        var sensor = await node.SensorAsync("light-1", """{ "bus": "i2c-1", "chip": "bh1750", "retries": 2 }""");
        Assert.Empty((await I2cTestNode.PollAsync(sensor)).Faults);

        light.FailErrno = 5;
        light.FailNext = 1000;
        var poll = await I2cTestNode.PollAsync(sensor);

        Assert.Equal(FaultCodes.BusError, Assert.Single(poll.Faults).Code);
        Assert.Equal(1000 - 3, light.FailNext); // three attempts, each failing at its first transfer
    }

    [Fact]
    public async Task Poll_HungTransfer_HoldsOnlyItsOwnBus()
    {
        await using var node = new I2cTestNode().Bus("i2c-1", 1, lockTimeoutMs: 500).Bus("i2c-3", 3);
        var hung = new SimulatedBh1750 { Raw = 1200 };
        var neighbour = new SimulatedBh1750(0x5C) { Raw = 2400 };
        var elsewhere = new SimulatedBh1750 { Raw = 3600 };
        node.Chips.Add(1, hung).Add(1, neighbour).Add(3, elsewhere);
        var hungSensor = await node.SensorAsync("light-1", Light);
        var neighbourSensor = await node.SensorAsync("light-2", """{ "bus": "i2c-1", "chip": "bh1750", "address": 92 }""");
        var elsewhereSensor = await node.SensorAsync("light-3", """{ "bus": "i2c-3", "chip": "bh1750" }""");
        Assert.Empty((await I2cTestNode.PollAsync(hungSensor)).Faults);

        hung.Gate.Reset(); // the next transfer hangs, as after error 110 with SDA held low
        var hungPoll = I2cTestNode.PollAsync(hungSensor);
        Assert.True(hung.Hanging.Wait(TimeSpan.FromSeconds(10)));

        var neighbourPoll = I2cTestNode.PollAsync(neighbourSensor);
        Assert.False(neighbourPoll.IsCompleted);
        node.Time.Advance(TimeSpan.FromMilliseconds(500));
        var blocked = await neighbourPoll;
        var other = await I2cTestNode.PollAsync(elsewhereSensor);

        Assert.Equal(FaultCodes.DeviceBusy, Assert.Single(blocked.Faults).Code);
        Assert.Contains("i2c-1", blocked.Faults[0].Message, StringComparison.Ordinal);
        Assert.Equal(3000.0, other.Single("illuminance").Value, 9);

        hung.Gate.Set();
        Assert.Single((await hungPoll).Readings);
        Assert.Equal(2000.0, (await I2cTestNode.PollAsync(neighbourSensor)).Single("illuminance").Value, 9);
    }
}

using System.Device.Gpio;
using CityBrain.Testing.Sensing;

namespace CityBrain.Drivers.Gpio.Tests;

public sealed class PulseCounterDriverTests
{
    private const int Pin = 17;

    /// <summary>One pulse on an active-low input: contact closes with bounce, is held, opens with bounce. Takes hold + 2 × bounces ms.</summary>
    private static void Pulse(GpioRig rig, double holdMs, int bounces = 3, int pin = Pin)
    {
        rig.Chip.Bounce(pin, PinValue.Low, bounces, TimeSpan.FromMilliseconds(1), rig.Time.Advance);
        rig.Advance(holdMs - (2 * bounces));
        rig.Chip.Bounce(pin, PinValue.High, bounces, TimeSpan.FromMilliseconds(1), rig.Time.Advance);
    }

    /// <summary><paramref name="count"/> clean pulses (no bounce): low for <paramref name="lowMs"/>, then high for <paramref name="highMs"/>.</summary>
    private static void SquareWave(GpioRig rig, int count, double lowMs, double highMs)
    {
        for (int i = 0; i < count; i++)
        {
            rig.Chip.Set(Pin, PinValue.Low);
            rig.Advance(lowMs);
            rig.Chip.Set(Pin, PinValue.High);
            rig.Advance(highMs);
        }
    }

    private static async Task<ReadingList> PollAsync(PulseCounterDriver driver)
    {
        var readings = new ReadingList();
        await driver.PollAsync(readings, CancellationToken.None);
        return readings;
    }

    [Fact]
    public async Task VehicleLoop_BouncingContacts_CountsEachVehicleOnceAndOccupancyIsTheHeldShare()
    {
        await using var rig = new GpioRig();
        var loop = await rig.CreateAsync<PulseCounterDriver>("""{ "id": "loop-01", "driver": "gpio", "mode": "vehicle-loop", "pin": 17, "intervalMs": 60000 }""");

        // 10 vehicles, each over the loop for 600 ms, one every 5 s, contacts bouncing 3 times on close and on open.
        rig.Advance(1000);
        for (int i = 0; i < 10; i++)
        {
            Pulse(rig, 600);
            rig.Advance(5000 - 606);
        }

        rig.Advance(60_000 - 1000 - (10 * 5000));
        var readings = await PollAsync(loop);

        Assert.Equal(10 * 2 * 7, rig.Chip.EdgesRaised); // ground truth: 140 raw edges
        Assert.Equal(10, readings.Single("vehicle_count"));
        Assert.Equal(10.0, readings.Single("occupancy"), 9); // 6 s of 60 s
        Assert.All(readings.Readings, r => Assert.Equal(GpioRig.Start.AddMinutes(1), r.Timestamp));
        Assert.Equal("count", readings.Readings.Single(r => r.Quantity == "vehicle_count").Unit);
        Assert.Equal("%", readings.Readings.Single(r => r.Quantity == "occupancy").Unit);

        // The next interval starts empty; a vehicle standing on the loop across the poll counts once, in the interval
        // it arrived in, and its occupancy is split between the intervals.
        rig.Advance(30_000);
        rig.Chip.Set(Pin, PinValue.Low);
        rig.Advance(30_000);
        var second = await PollAsync(loop);
        Assert.Equal(1, second.Single("vehicle_count"));
        Assert.Equal(50.0, second.Single("occupancy"), 9);
        rig.Advance(15_000);
        rig.Chip.Set(Pin, PinValue.High);
        rig.Advance(45_000);
        var third = await PollAsync(loop);
        Assert.Equal(0, third.Single("vehicle_count"));
        Assert.Equal(25.0, third.Single("occupancy"), 9);
    }

    [Fact]
    public async Task Debounce_GlitchShorterThanDebounce_IsNotAPulse_AndPulsesOneDebounceApartAllCount()
    {
        await using var rig = new GpioRig();
        var counter = await rig.CreateAsync<PulseCounterDriver>("""{ "id": "cnt-01", "driver": "gpio", "mode": "counter", "pin": 17, "debounceMs": 10, "intervalMs": 10000 }""");

        // A 4 ms spike (shorter than the 10 ms debounce) is noise.
        rig.Chip.Set(Pin, PinValue.Low);
        rig.Advance(4);
        rig.Chip.Set(Pin, PinValue.High);
        rig.Advance(100);

        // 25 clean pulses, low and high for exactly the debounce time each: all count.
        SquareWave(rig, 25, 10, 10);

        var readings = await PollAsync(counter);
        Assert.Equal(25, readings.Single("pulse_count"));
        Assert.Equal(25, readings.Single("pulse_total"));
        Assert.Equal(52, rig.Chip.EdgesRaised);
    }

    [Theory]
    [InlineData("falling", 8)]
    [InlineData("rising", 8)]
    [InlineData("both", 16)]
    public async Task EdgeChoice_DecidesWhichChangesCount(string edge, int expected)
    {
        await using var rig = new GpioRig();
        var counter = await rig.CreateAsync<PulseCounterDriver>($$"""{ "id": "cnt-01", "driver": "gpio", "mode": "counter", "pin": 17, "edge": "{{edge}}", "intervalMs": 10000 }""");
        for (int i = 0; i < 8; i++)
        {
            Pulse(rig, 50);
            rig.Advance(50);
        }

        Assert.Equal(expected, (await PollAsync(counter)).Single("pulse_count"));
    }

    [Fact]
    public async Task RainGauge_TipsTimesMmPerTip_IsRainfall_AndRateIsPerHourOfTheInterval()
    {
        await using var rig = new GpioRig();
        var gauge = await rig.CreateAsync<PulseCounterDriver>("""{ "id": "rain-01", "driver": "gpio", "mode": "rain-gauge", "pin": 17, "mmPerTip": 0.2, "intervalMs": 1800000 }""");

        // 15 tips in 30 minutes: 3 mm, 6 mm/h. Each tip closes the reed for 100 ms with 2 bounces.
        for (int i = 0; i < 15; i++)
        {
            rig.Advance(60_000);
            Pulse(rig, 100, bounces: 2);
            rig.Advance(60_000 - 104);
        }

        var readings = await PollAsync(gauge);
        Assert.Equal(3.0, readings.Single("rainfall"), 9);
        Assert.Equal(6.0, readings.Single("rain_rate"), 9);
        Assert.Equal("mm", readings.Readings.Single(r => r.Quantity == "rainfall").Unit);
        Assert.Equal("mm/h", readings.Readings.Single(r => r.Quantity == "rain_rate").Unit);

        // A dry interval reports zero, not nothing.
        rig.Advance(1_800_000);
        var dry = await PollAsync(gauge);
        Assert.Equal(0, dry.Single("rainfall"));
        Assert.Equal(0, dry.Single("rain_rate"));
    }

    [Fact]
    public async Task FlowMeter_LitresPerPulse_GivesFlowPerMinuteAndARunningVolume()
    {
        await using var rig = new GpioRig();
        var meter = await rig.CreateAsync<PulseCounterDriver>("""{ "id": "flow-01", "driver": "gpio", "mode": "flow-meter", "pin": 17, "litresPerPulse": 0.5, "intervalMs": 60000 }""");

        // 120 pulses in one minute (2 Hz, 250 ms low): 60 L/min, 60 L.
        SquareWave(rig, 120, 250, 250);

        var first = await PollAsync(meter);
        Assert.Equal(60.0, first.Single("flow"), 9);
        Assert.Equal(60.0, first.Single("volume"), 9);

        // 30 pulses in the next 30 s: 30 L/min; the volume keeps running.
        SquareWave(rig, 30, 500, 500);

        var second = await PollAsync(meter);
        Assert.Equal(30.0, second.Single("flow"), 9);
        Assert.Equal(75.0, second.Single("volume"), 9);
    }

    [Fact]
    public async Task CleanRestart_CarriesTheUnreportedPulses_KeepsTheTotal_AndShowsTheDowntimeAsAGap()
    {
        await using var rig = new GpioRig();
        const string Sensor = """{ "id": "rain-01", "driver": "gpio", "mode": "rain-gauge", "pin": 17, "mmPerTip": 0.5, "intervalMs": 600000 }""";
        var gauge = await rig.CreateAsync<PulseCounterDriver>(Sensor);
        for (int i = 0; i < 4; i++)
        {
            Pulse(rig, 100);
            rig.Advance(1000);
        }

        rig.Advance(600_000 - (4 * 1106));
        Assert.Equal(2.0, (await PollAsync(gauge)).Single("rainfall"), 9);

        // 3 tips in 5 minutes, then the service stops cleanly and stays down for 10 minutes.
        for (int i = 0; i < 3; i++)
        {
            Pulse(rig, 100);
            rig.Advance(100_000 - 106);
        }

        var stoppedAt = rig.Time.GetUtcNow();
        await rig.RestartAsync(clean: true);
        rig.Advance(TimeSpan.FromMinutes(10));
        var restarted = await rig.CreateAsync<PulseCounterDriver>(Sensor);

        var detail = restarted.Diagnostics();
        Assert.Equal(GpioSensorSetup.Format(stoppedAt), detail["down_since"]);
        Assert.Equal("600", detail["down_for_s"]);
        Assert.StartsWith("clean", detail["previous_stop"], StringComparison.Ordinal);
        Assert.Equal("7", detail["total"]);

        // 2 tips in the 5 minutes after the restart: the interval reports the 3 carried tips and the 2 new ones, over
        // the 10 minutes the input was watched (the 10 minutes down are not spread over it: nothing is invented).
        Pulse(rig, 100);
        rig.Advance(150_000 - 106);
        Pulse(rig, 100);
        rig.Advance(150_000 - 106);
        var after = await PollAsync(restarted);
        Assert.Equal(2.5, after.Single("rainfall"), 9);
        Assert.Equal(15.0, after.Single("rain_rate"), 9); // 2.5 mm over 10 watched minutes
        Assert.Equal(9, restarted.Counter.Total);
    }

    [Fact]
    public async Task Crash_NeitherCountsAReportedPulseTwiceNorResetsTheTotal_AndReportsTheGapSinceTheLastSave()
    {
        await using var rig = new GpioRig();
        const string Sensor = """{ "id": "cnt-01", "driver": "gpio", "mode": "counter", "pin": 17, "intervalMs": 60000 }""";
        var counter = await rig.CreateAsync<PulseCounterDriver>(Sensor);
        for (int i = 0; i < 7; i++)
        {
            Pulse(rig, 50);
            rig.Advance(50);
        }

        rig.Advance(60_000 - (7 * 106));
        var first = await PollAsync(counter);
        Assert.Equal((7.0, 7.0), (first.Single("pulse_count"), first.Single("pulse_total")));
        var savedAt = rig.Time.GetUtcNow();

        // 4 pulses after the save, then the process is killed: no stop code runs, those 4 were never saved.
        for (int i = 0; i < 4; i++)
        {
            Pulse(rig, 50);
            rig.Advance(50);
        }

        await rig.RestartAsync(clean: false);
        rig.Advance(TimeSpan.FromMinutes(5));
        var restarted = await rig.CreateAsync<PulseCounterDriver>(Sensor);
        var detail = restarted.Diagnostics();
        Assert.Equal(GpioSensorSetup.Format(savedAt), detail["down_since"]);
        Assert.StartsWith("unclean", detail["previous_stop"], StringComparison.Ordinal);

        Pulse(rig, 50);
        rig.Advance(50);
        Pulse(rig, 50);
        rig.Advance(60_000);
        var after = await PollAsync(restarted);

        // The 7 reported pulses are not reported again, the total continues from 7 (no drop to zero), and the 4 lost
        // pulses are not made up: the gap in health is the only trace of them.
        Assert.Equal(2, after.Single("pulse_count"));
        Assert.Equal(9, after.Single("pulse_total"));
    }

    [Fact]
    public async Task SaveFails_IntervalIsNotReported_AndTheNextPollReportsItWithItsOwn()
    {
        await using var rig = new GpioRig();
        using var blocker = new Testing.Servers.TempDirectory("gpio-state");
        string notADirectory = blocker.Combine("file");
        await File.WriteAllTextAsync(notADirectory, "x");
        await using var hardware = new Sensing.Hardware.HardwareContext(rig.Time, state: new Sensing.Hardware.DurableStateStore(Path.Combine(notADirectory, "state")));
        GpioHardware.Register(hardware, new GpioChipHandle(new GpioController(rig.Chip), "fake", "FakeGpioDriver"), owned: false);
        var loaded = rig.Load("""[{ "id": "cnt-01", "driver": "gpio", "mode": "counter", "pin": 17, "intervalMs": 60000 }]""");
        await using var counter = (PulseCounterDriver)await rig.Definition.CreateAsync(loaded.Sensors[0], hardware, CancellationToken.None);

        for (int i = 0; i < 3; i++)
        {
            Pulse(rig, 50);
            rig.Advance(50);
        }

        rig.Advance(1000);
        var failed = await PollAsync(counter);
        Assert.Empty(failed.Readings);
        Assert.Contains("could not be saved", Assert.Single(failed.Faults).Message, StringComparison.Ordinal);
        Assert.StartsWith("save failed", counter.Diagnostics()["state"], StringComparison.Ordinal);

        File.Delete(notADirectory);
        Directory.CreateDirectory(notADirectory);
        Pulse(rig, 50);
        rig.Advance(1000);
        var next = await PollAsync(counter);
        Assert.Equal(4, next.Single("pulse_count"));
        Assert.Equal("persisted", counter.Diagnostics()["state"]);
    }

    [Fact]
    public async Task Diagnostics_NameTheChipAndDriver_AndTheLastEdgeTime()
    {
        await using var rig = new GpioRig();
        var loop = await rig.CreateAsync<PulseCounterDriver>("""{ "id": "loop-01", "driver": "gpio", "mode": "vehicle-loop", "pin": 17, "intervalMs": 60000 }""");
        Assert.Equal("never", loop.Diagnostics()["last_edge"]);

        rig.Advance(2500);
        Pulse(rig, 300, bounces: 1);
        var lastEdge = rig.Time.GetUtcNow();
        rig.Advance(10_000);

        var detail = loop.Diagnostics();
        Assert.Equal("gpiochip0 \"fake\"", detail["chip"]);
        Assert.Equal("FakeGpioDriver", detail["driver"]);
        Assert.Equal("17", detail["pin"]);
        Assert.Equal("20", detail["debounce_ms"]);
        Assert.Equal("6", detail["edges"]);
        Assert.Equal(GpioSensorSetup.Format(lastEdge), detail["last_edge"]);
        Assert.True(detail.Count <= 16);
    }
}

using System.Device.Gpio;
using CityBrain.Edge.Composition;
using CityBrain.Sensing.Configuration;

namespace CityBrain.Drivers.Gpio.Tests;

public sealed class GpioConfigurationTests
{
    private static ConfigError Rejected(GpioRig rig, string sensorsJson, string path)
    {
        var ex = Assert.Throws<ConfigurationException>(() => rig.Load(sensorsJson));
        return Assert.Single(ex.Errors, e => e.Path == path);
    }

    [Fact]
    public async Task PinUsedTwice_IsRejectedAtTheSecondSensorsPin_NamingTheFirst()
    {
        await using var rig = new GpioRig();
        var error = Rejected(
            rig,
            """
            [ { "id": "loop-01", "driver": "gpio", "mode": "vehicle-loop", "pin": 17, "intervalMs": 60000 },
              { "id": "bin-07-lid", "driver": "gpio", "mode": "bin-lid", "pin": 17, "intervalMs": 60000 } ]
            """,
            "/sensors/1/pin");
        Assert.Equal("17", error.Value);
        Assert.Contains("'loop-01'", error.Problem, StringComparison.Ordinal);
        Assert.Contains("own pin", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinTheChipDoesNotHave_IsRejectedWhenBuilt_WithTheLineCountAndTheFix()
    {
        await using var rig = new GpioRig(pinCount: 28);
        var loaded = rig.Load("""[ { "id": "rain-01", "driver": "gpio", "mode": "rain-gauge", "pin": 40, "mmPerTip": 0.2, "intervalMs": 60000 } ]""");
        var ex = await Assert.ThrowsAsync<ConfigurationException>(async () => await rig.Definition.CreateAsync(loaded.Sensors[0], rig.Hardware, CancellationToken.None));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("/sensors/0/pin", "40"), (error.Path, error.Value));
        Assert.Contains("has 28 lines (0..27)", error.Problem, StringComparison.Ordinal);
        Assert.Contains("BCM GPIO number", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullTheChipCannotDo_IsRejectedAtPull_WithTheExternalResistorFix()
    {
        await using var rig = new GpioRig();
        rig.Chip.Refuse(4, PinMode.InputPullDown);
        var loaded = rig.Load("""[ { "id": "pir-01", "driver": "gpio", "mode": "pir", "pin": 4, "intervalMs": 60000 } ]""");
        var ex = await Assert.ThrowsAsync<ConfigurationException>(async () => await rig.Definition.CreateAsync(loaded.Sensors[0], rig.Hardware, CancellationToken.None));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("/sensors/0/pull", "\"down\""), (error.Path, error.Value));
        Assert.Contains("cannot set pull-down", error.Problem, StringComparison.Ordinal);
        Assert.Contains("external resistor", error.Fix, StringComparison.Ordinal);
        Assert.Empty(rig.Chip.OpenPins);
    }

    [Fact]
    public async Task NodeComponents_KeepTheDriversFieldPathAndFix()
    {
        await using var rig = new GpioRig(pinCount: 28);
        var loaded = rig.Load("""[ { "id": "loop-01", "driver": "gpio", "mode": "vehicle-loop", "pin": 30, "intervalMs": 60000 } ]""");
        var ex = await Assert.ThrowsAsync<ConfigurationException>(() => NodeComponents.BuildAsync(loaded, rig.Registry, rig.Hardware, CancellationToken.None));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("/sensors/0/pin", error.Path);
        Assert.Contains("BCM", error.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "rain-gauge", "pin": 5, "intervalMs": 60000 }""", "/sensors/0/mmPerTip", "needs its millimetres")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "flow-meter", "pin": 5, "intervalMs": 60000 }""", "/sensors/0/litresPerPulse", "needs its litres")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "counter", "pin": 5, "mmPerTip": 0.2, "intervalMs": 60000 }""", "/sensors/0/mmPerTip", "only a rain-gauge")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "bin-lid", "pin": 5, "edge": "rising", "intervalMs": 60000 }""", "/sensors/0/edge", "applies to counters")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "counter", "pin": 5, "chip": -1, "intervalMs": 60000 }""", "/sensors/0/chip", "whole number")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "counter", "pin": 5, "chip": "pinctrl-rp1", "intervalMs": 60000 }, { "id": "t", "driver": "gpio", "mode": "counter", "pin": 6, "chip": "pinctrl-rp1", "library": "sysfs", "intervalMs": 60000 }""", "/sensors/1/library", "opened once")]
    public async Task FieldProblems_AreReportedAtTheirPath(string sensors, string path, string problem)
    {
        await using var rig = new GpioRig();
        var error = Rejected(rig, "[" + sensors + "]", path);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.Fix));
    }

    [Theory]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "escalator", "pin": 5, "intervalMs": 60000 }""", "/sensors/0/mode")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "counter", "pin": 5, "library": "wiringpi", "intervalMs": 60000 }""", "/sensors/0/library")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "counter", "pin": 5, "debounceMs": 5000, "intervalMs": 60000 }""", "/sensors/0/debounceMs")]
    [InlineData("""{ "id": "s", "driver": "gpio", "mode": "counter", "intervalMs": 60000 }""", "/sensors/0")]
    public async Task SchemaViolations_AreReportedAtTheirPath(string sensor, string pathPrefix)
    {
        await using var rig = new GpioRig();
        var ex = Assert.Throws<ConfigurationException>(() => rig.Load("[" + sensor + "]"));
        Assert.Contains(ex.Errors, e => e.Path.StartsWith(pathPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Defaults_FollowTheMode()
    {
        await using var rig = new GpioRig();
        var loaded = rig.Load("""[ { "id": "loop-01", "driver": "gpio", "mode": "vehicle-loop", "pin": 17, "intervalMs": 60000 }, { "id": "pir-01", "driver": "gpio", "mode": "pir", "pin": 4, "intervalMs": 60000 } ]""");
        var loop = GpioSensorPlan.From((GpioSensorFields)loaded.Sensors[0].Options);
        Assert.Equal((PinMode.InputPullUp, true, false, true, 20.0), (loop.Pull, loop.ActiveLow, loop.CountRising, loop.CountFalling, loop.Debounce.TotalMilliseconds));
        Assert.True(loop.Chip.IsAuto);
        Assert.Equal(GpioLibrary.Auto, loop.Library);
        var pir = GpioSensorPlan.From((GpioSensorFields)loaded.Sensors[1].Options);
        Assert.Equal((PinMode.InputPullDown, false), (pir.Pull, pir.ActiveLow));
    }

    [Fact]
    public async Task CounterPolledFasterThanOnceASecond_GetsAFlashWearWarning()
    {
        await using var rig = new GpioRig();
        var loaded = rig.Load("""[ { "id": "cnt-01", "driver": "gpio", "mode": "counter", "pin": 5, "intervalMs": 200 } ]""");
        Assert.Contains(loaded.Warnings, w => w.Contains("/sensors/0/intervalMs", StringComparison.Ordinal) && w.Contains("fsync", StringComparison.Ordinal));
    }
}

using System.Device.Gpio;
using System.Globalization;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using CityBrain.Testing.Sensing;

namespace CityBrain.Drivers.Gpio.Tests.Hardware;

/// <summary>
/// For a technician on a real Raspberry Pi, never in CI (scripts/test.sh leaves Category=Hardware out). Wire an output
/// line to an input line through a 1 kΩ resistor (default GPIO20 → GPIO21, header pins 38 → 40), then run
/// <c>CITYBRAIN_GPIO_OUT=20 CITYBRAIN_GPIO_IN=21 dotnet test tests/CityBrain.Drivers.Gpio.Tests --filter Category=Hardware</c>.
/// See drivers/CityBrain.Drivers.Gpio/README.md.
/// </summary>
[Trait("Category", "Hardware")]
public sealed class PiLoopbackTests
{
    private static int Line(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static readonly int Out = Line("CITYBRAIN_GPIO_OUT", 20);
    private static readonly int In = Line("CITYBRAIN_GPIO_IN", 21);

    private static async Task<(ISensorDriver Driver, GpioController Controller, HardwareContext Hardware)> BuildAsync(string mode, string extra = "")
    {
        var definition = new GpioDriverDefinition();
        var registry = new DriverRegistry().Add(definition);
        var loaded = NodeConfigurationLoader.Parse(GpioRig.NodeJson($$"""[ { "id": "hw-01", "driver": "gpio", "mode": "{{mode}}", "pin": {{In}}, "pull": "none", "intervalMs": 60000 {{extra}} } ]"""), "node.json", registry);
        await NodeConfigurationLoader.CheckResourcesAsync(loaded, registry, CancellationToken.None);
        var hardware = new HardwareContext(TimeProvider.System);
        var driver = await definition.CreateAsync(loaded.Sensors[0], hardware, CancellationToken.None);
        var handle = GpioHardware.Open(hardware, GpioChipRequest.Auto, GpioLibrary.Auto, new GpioChipDirectory(), GpioLibraryProbe.IsPresent);
        handle.Controller.OpenPin(Out, PinMode.Output, PinValue.High);
        return (driver, handle.Controller, hardware);
    }

    [Fact]
    public async Task HeaderChip_IsFoundByLabel_AndHealthNamesChipAndDriver()
    {
        var (driver, _, hardware) = await BuildAsync("counter");
        await using (hardware)
        await using (driver)
        {
            var detail = ((ISensorDiagnostics)driver).Diagnostics();
            Assert.Contains("pinctrl-", detail["chip"], StringComparison.Ordinal);
            Assert.Matches("LibGpiodV2Driver|LibGpiodDriver|SysFsDriver", detail["driver"]);
        }
    }

    [Fact]
    public async Task Counter_CountsEveryPulseOfTheOutputLine_Exactly()
    {
        var (driver, controller, hardware) = await BuildAsync("counter", ", \"debounceMs\": 1");
        await using (hardware)
        await using (driver)
        {
            const int Pulses = 500;
            for (int i = 0; i < Pulses; i++)
            {
                controller.Write(Out, PinValue.Low);
                await Task.Delay(4);
                controller.Write(Out, PinValue.High);
                await Task.Delay(4);
            }

            await Task.Delay(50);
            var readings = new ReadingList();
            await driver.PollAsync(readings, CancellationToken.None);
            Assert.Equal(Pulses, readings.Single("pulse_count"));
        }
    }

    [Fact]
    public async Task StateInput_ChangeIsPushedWithin100Ms()
    {
        var (driver, controller, hardware) = await BuildAsync("bin-lid", ", \"debounceMs\": 20");
        await using (hardware)
        await using (driver)
        {
            var pushed = new ReadingList();
            using var stop = new CancellationTokenSource();
            var watch = ((IEventSensorDriver)driver).WatchAsync(pushed, stop.Token);
            controller.Write(Out, PinValue.Low);
            await Task.Delay(20);
            var edgeAt = DateTimeOffset.UtcNow;
            controller.Write(Out, PinValue.High);
            var deadline = DateTimeOffset.UtcNow.AddMilliseconds(100);
            while (!pushed.Readings.Any(r => r.Value == 1) && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(2);
            }

            Assert.Contains(pushed.Readings, r => r.Value == 1 && r.Timestamp >= edgeAt.AddMilliseconds(-5));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        }
    }
}

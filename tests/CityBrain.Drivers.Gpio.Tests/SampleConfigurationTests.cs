using CityBrain.Edge.Composition;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Testing;

namespace CityBrain.Drivers.Gpio.Tests;

public sealed class SampleConfigurationTests
{
    [Fact]
    public async Task ShippedGpioSample_LoadsWithTheEdgesDrivers_AndBuildsOnAFakeChip()
    {
        string path = Path.Combine(RepoPaths.Root, "deploy", "edge", "samples", "gpio-street-node.json");
        var loaded = await NodeConfigurationLoader.LoadAsync(path, BuiltInDrivers.Create(), CancellationToken.None);
        Assert.Empty(loaded.Warnings);
        var modes = loaded.Sensors.Select(s => ((GpioSensorFields)s.Options).Mode).ToHashSet();
        Assert.Equal(GpioModeProfile.All.Select(p => p.Name).ToHashSet(), modes);

        // Every sensor builds on a 28-line chip (the Pi header's BCM numbering).
        await using var rig = new GpioRig();
        foreach (var sensor in loaded.Sensors)
        {
            await using var driver = await rig.Definition.CreateAsync(sensor, rig.Hardware, CancellationToken.None);
            Assert.Equal(sensor.Spec.Id, driver.SensorId);
        }
    }
}

using System.Text.Json;
using CityBrain.Testing.Servers;

namespace CityBrain.Drivers.Gpio.Tests;

public sealed class GpioChipSelectionTests
{
    /// <summary>A Raspberry Pi 5 on a late kernel: RP1 (the header) is gpiochip0 now, the SoC's own chips follow.</summary>
    private static string Pi5Sysfs(TempDirectory dir)
    {
        string sys = dir.Combine("sys");
        AddChip(sys, 0, 571, "pinctrl-rp1", 54);
        AddChip(sys, 10, 512, "gpio-brcmstb@107d508500", 32);
        AddChip(sys, 11, 544, "gpio-brcmstb@107d517c00", 15);
        return sys;
    }

    private static void AddChip(string sys, int index, int legacyBase, string label, int lines)
    {
        string legacy = Path.Combine(sys, "bus", "gpio", "devices", "gpiochip" + index, "gpio", "gpiochip" + legacyBase);
        Directory.CreateDirectory(legacy);
        File.WriteAllText(Path.Combine(legacy, "label"), label + "\n");
        File.WriteAllText(Path.Combine(legacy, "ngpio"), lines + "\n");
    }

    [Fact]
    public void PiHeaderChip_IsFoundByLabel_NotByNumber()
    {
        using var dir = new TempDirectory("gpio-sys");
        var chips = new GpioChipDirectory(Pi5Sysfs(dir)).List();
        Assert.Equal([0, 10, 11], chips.Select(c => c.Index));
        Assert.Equal(new GpioChip(0, "pinctrl-rp1", 54), GpioChipDirectory.FindPiHeader(chips));
        Assert.Equal(0, GpioChipRequest.Auto.Resolve(chips, out _)!.Index);
        Assert.Equal(11, Request("\"gpio-brcmstb@107d517c00\"").Resolve(chips, out _)!.Index);
        Assert.Equal(10, Request("10").Resolve(chips, out _)!.Index);
        Assert.Equal(10, Request("\"10\"").Resolve(chips, out _)!.Index);
    }

    [Fact]
    public void OlderPi_LegacyClassEntries_AreMatchedToTheirCharacterDevice()
    {
        // A Pi 4 kernel listing chips only under /sys/class/gpio, each linking to its gpiochipN device.
        using var dir = new TempDirectory("gpio-sys");
        string sys = dir.Combine("sys");
        string device = Path.Combine(sys, "devices", "platform", "soc", "fe200000.gpio", "gpiochip0");
        Directory.CreateDirectory(device);
        string entry = Path.Combine(sys, "class", "gpio", "gpiochip512");
        Directory.CreateDirectory(entry);
        File.WriteAllText(Path.Combine(entry, "label"), "pinctrl-bcm2711\n");
        File.WriteAllText(Path.Combine(entry, "ngpio"), "58\n");
        File.CreateSymbolicLink(Path.Combine(entry, "device"), device);

        var chips = new GpioChipDirectory(sys).List();
        Assert.Equal(new GpioChip(0, "pinctrl-bcm2711", 58), Assert.Single(chips));
        Assert.Equal("pinctrl-bcm2711", GpioChipDirectory.FindPiHeader(chips)!.Label);
    }

    [Fact]
    public void MissingChip_NamesTheChipsThatExist()
    {
        using var dir = new TempDirectory("gpio-sys");
        var chips = new GpioChipDirectory(Pi5Sysfs(dir)).List();
        Assert.Null(Request("\"pinctrl-bcm2835\"").Resolve(chips, out string? problem));
        Assert.Contains("gpiochip0 \"pinctrl-rp1\" (54 lines)", problem, StringComparison.Ordinal);
        Assert.Null(GpioChipRequest.Auto.Resolve([], out problem));
        Assert.Contains("no GPIO chip", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckResources_OnAPi_RejectsAPinBeyondTheHeaderChipsLines()
    {
        using var dir = new TempDirectory("gpio-sys");
        var definition = new GpioDriverDefinition(new GpioChipDirectory(Pi5Sysfs(dir)), _ => false);
        var registry = new Sensing.Drivers.DriverRegistry().Add(definition);
        var loaded = Provisioning.NodeConfig.NodeConfigurationLoader.Parse(
            GpioRig.NodeJson("""[ { "id": "loop-01", "driver": "gpio", "mode": "vehicle-loop", "pin": 60, "intervalMs": 60000 }, { "id": "loop-02", "driver": "gpio", "mode": "vehicle-loop", "pin": 5, "chip": "pinctrl-bcm2711", "intervalMs": 60000 } ]"""),
            "node.json",
            registry);
        var ex = await Assert.ThrowsAsync<Sensing.Configuration.ConfigurationException>(() => Provisioning.NodeConfig.NodeConfigurationLoader.CheckResourcesAsync(loaded, registry, CancellationToken.None));
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/0/pin" && e.Problem.Contains("54 lines", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/1/chip" && e.Value == "\"pinctrl-bcm2711\"");
    }

    [Theory]
    [InlineData("auto", true, true, GpioLibrary.Libgpiod2)]
    [InlineData("auto", false, true, GpioLibrary.Libgpiod)]
    [InlineData("auto", false, false, GpioLibrary.Sysfs)]
    [InlineData("libgpiod", true, true, GpioLibrary.Libgpiod)]
    [InlineData("sysfs", true, true, GpioLibrary.Sysfs)]
    public void Library_AutoPicksByWhatTheOsHas_AndAnOverrideWins(string configured, bool so3, bool so2, GpioLibrary expected)
    {
        bool Present(string name) => (name == GpioLibraryProbe.V2Library && so3) || (name == GpioLibraryProbe.V1Library && so2);
        Assert.Equal(expected, GpioLibraryProbe.Choose(GpioLibraryProbe.Parse(configured)!.Value, Present));
    }

    private static GpioChipRequest Request(string json) => GpioChipRequest.Parse(JsonDocument.Parse(json).RootElement, out _)!;
}

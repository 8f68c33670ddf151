using System.Globalization;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// Lists the machine's GPIO chips from sysfs, so a chip is chosen by its label: on a Raspberry Pi 5 the header's chip
/// was <c>gpiochip4</c> on early kernels and is <c>gpiochip0</c> on later ones, and opening the wrong number fails
/// ("error 16", busy). Reads <c>/sys/bus/gpio/devices/gpiochipN</c> (the character devices) and takes each one's
/// label and line count from its legacy class entry (<c>…/gpiochipN/gpio/gpiochipBASE/{label,ngpio}</c>, or
/// <c>/sys/class/gpio/gpiochipBASE</c> whose <c>device</c> link names <c>gpiochipN</c>).
/// </summary>
public sealed class GpioChipDirectory
{
    /// <summary>Labels of the chip that drives the 40-pin header, newest board first.</summary>
    public static IReadOnlyList<string> PiHeaderLabels { get; } = ["pinctrl-rp1", "pinctrl-bcm2711", "pinctrl-bcm2835"];

    private readonly string _sysRoot;

    /// <param name="sysRoot">The sysfs mount (tests point it at a folder laid out the same way).</param>
    public GpioChipDirectory(string sysRoot = "/sys") => _sysRoot = sysRoot;

    /// <summary>The chips found, by index; empty on a machine without GPIO (a laptop, CI).</summary>
    public IReadOnlyList<GpioChip> List()
    {
        var chips = new Dictionary<int, GpioChip>();
        string bus = Path.Combine(_sysRoot, "bus", "gpio", "devices");
        if (Directory.Exists(bus))
        {
            foreach (string dir in Directory.EnumerateFileSystemEntries(bus, "gpiochip*"))
            {
                if (IndexOf(Path.GetFileName(dir)) is not { } index)
                {
                    continue;
                }

                string? label = ReadText(Path.Combine(dir, "label"));
                int lines = ReadInt(Path.Combine(dir, "ngpio"));
                string legacy = Path.Combine(dir, "gpio");
                if (label is null && Directory.Exists(legacy))
                {
                    foreach (string entry in Directory.EnumerateFileSystemEntries(legacy, "gpiochip*"))
                    {
                        label = ReadText(Path.Combine(entry, "label"));
                        lines = ReadInt(Path.Combine(entry, "ngpio"));
                        break;
                    }
                }

                chips[index] = new GpioChip(index, label ?? "", lines);
            }
        }

        string classDir = Path.Combine(_sysRoot, "class", "gpio");
        if (Directory.Exists(classDir))
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(classDir, "gpiochip*"))
            {
                if (DeviceIndex(entry) is not { } index || (chips.TryGetValue(index, out var known) && known.Label.Length > 0))
                {
                    continue;
                }

                chips[index] = new GpioChip(index, ReadText(Path.Combine(entry, "label")) ?? "", ReadInt(Path.Combine(entry, "ngpio")));
            }
        }

        return [.. chips.Values.OrderBy(c => c.Index)];
    }

    /// <summary>The first chip whose label is a Raspberry Pi header label, in <see cref="PiHeaderLabels"/> order.</summary>
    public static GpioChip? FindPiHeader(IReadOnlyList<GpioChip> chips)
    {
        foreach (string label in PiHeaderLabels)
        {
            if (chips.FirstOrDefault(c => c.Label == label) is { } chip)
            {
                return chip;
            }
        }

        return null;
    }

    /// <summary>A legacy <c>/sys/class/gpio/gpiochipBASE</c> entry's character device number, from its <c>device</c> link.</summary>
    private static int? DeviceIndex(string entry)
    {
        try
        {
            var link = new DirectoryInfo(Path.Combine(entry, "device")).ResolveLinkTarget(returnFinalTarget: true);
            return link is null ? null : IndexOf(link.Name);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int? IndexOf(string name) =>
        name.StartsWith("gpiochip", StringComparison.Ordinal) && int.TryParse(name.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : null;

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ReadInt(string path) =>
        int.TryParse(ReadText(path), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;
}

using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// Where GPIO sensors get their controller: a <see cref="GpioChipHandle"/> in the hardware context, one per chip. A
/// handle the host registered under the sensor's <c>chip</c> text wins (tests register a fake this way); otherwise the
/// chip is found by label in sysfs and opened with the library the OS has, once, and shared by every sensor on it.
/// </summary>
public static class GpioHardware
{
    /// <summary>The hardware-context key of the controller for <paramref name="chip"/> as configured (<c>auto</c> when absent).</summary>
    public static string Key(string chip) => "gpio-chip:" + chip;

    /// <summary>Registers a controller for sensors whose <c>chip</c> is <paramref name="chip"/> (default: sensors without one).</summary>
    public static void Register(HardwareContext hardware, GpioChipHandle handle, string chip = "auto", bool owned = true)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        hardware.Register(Key(chip), handle, owned);
    }

    /// <summary>The controller for <paramref name="request"/>: registered, already opened by another sensor, or opened now.</summary>
    /// <exception cref="GpioSetupException">No such chip, or the library cannot open it.</exception>
    public static GpioChipHandle Open(HardwareContext hardware, GpioChipRequest request, GpioLibrary library, GpioChipDirectory chips, Func<string, bool> libraryPresent)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(request);
        if (hardware.TryGet<GpioChipHandle>(Key(request.Text), out var registered))
        {
            return registered!;
        }

        var chip = request.Resolve(chips.List(), out string? problem)
            ?? throw new GpioSetupException("chip", request.IsAuto ? null : request.Text, problem!, "set \"chip\" to the label (preferred: numbers change between kernels) or number of the chip the input is wired to");
        return hardware.GetOrAdd(Key("#" + chip.Index), () => OpenChip(chip, GpioLibraryProbe.Choose(library, libraryPresent)));
    }

    private static GpioChipHandle OpenChip(GpioChip chip, GpioLibrary library)
    {
        string name = $"gpiochip{chip.Index} \"{chip.Label}\"";
        try
        {
            var (driver, description) = library switch
            {
                GpioLibrary.Libgpiod2 => ((GpioDriver)new LibGpiodV2Driver(chip.Index), $"LibGpiodV2Driver ({GpioLibraryProbe.V2Library})"),
                GpioLibrary.Libgpiod => (new LibGpiodDriver(chip.Index), $"LibGpiodDriver ({GpioLibraryProbe.V1Library})"),
                _ => (new SysFsDriver(new GpioChipInfo(chip.Index, "gpiochip" + chip.Index, chip.Label, chip.Lines)), "SysFsDriver (/sys/class/gpio)"),
            };
            return new GpioChipHandle(new GpioController(driver), name, description);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new GpioSetupException(
                "library",
                library.ToString().ToLowerInvariant(),
                $"{name} cannot be opened with {library}: {ex.Message}",
                "install the libgpiod runtime (bookworm: apt install libgpiod2; trixie: apt install libgpiod3), give the service user access to /dev/gpiochip* (group gpio), or set \"library\"",
                ex);
        }
    }
}

using System.Runtime.InteropServices;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// Picks the System.Device.Gpio driver by what the OS has: <c>libgpiod.so.3</c> (libgpiod 2.x, v2 ABI; Raspberry Pi OS
/// trixie's <c>libgpiod3</c>) → <c>LibGpiodV2Driver</c>; else <c>libgpiod.so.2</c> (libgpiod 1.x, v1 ABI; bookworm's
/// <c>libgpiod2</c>) → <c>LibGpiodDriver</c>; else the deprecated sysfs interface.
/// </summary>
public static class GpioLibraryProbe
{
    public const string V2Library = "libgpiod.so.3";
    public const string V1Library = "libgpiod.so.2";

    /// <summary>True when the shared library <paramref name="name"/> loads on this machine.</summary>
    public static bool IsPresent(string name)
    {
        if (!NativeLibrary.TryLoad(name, out nint handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>The library to use: <paramref name="requested"/> unless it is <see cref="GpioLibrary.Auto"/>.</summary>
    public static GpioLibrary Choose(GpioLibrary requested, Func<string, bool> isPresent) => requested switch
    {
        GpioLibrary.Auto when isPresent(V2Library) => GpioLibrary.Libgpiod2,
        GpioLibrary.Auto when isPresent(V1Library) => GpioLibrary.Libgpiod,
        GpioLibrary.Auto => GpioLibrary.Sysfs,
        _ => requested,
    };

    public static GpioLibrary? Parse(string text) => text switch
    {
        "auto" => GpioLibrary.Auto,
        "libgpiod" => GpioLibrary.Libgpiod,
        "libgpiod2" => GpioLibrary.Libgpiod2,
        "sysfs" => GpioLibrary.Sysfs,
        _ => null,
    };
}

namespace CityBrain.Drivers.Gpio;

/// <summary>Which System.Device.Gpio driver opens the chip (the <c>library</c> field).</summary>
public enum GpioLibrary
{
    /// <summary>libgpiod v2 ABI when <c>libgpiod.so.3</c> loads, else v1 ABI when <c>libgpiod.so.2</c> loads, else sysfs.</summary>
    Auto,

    /// <summary><c>LibGpiodDriver</c>: libgpiod v1 ABI, <c>libgpiod.so.2</c> (Debian 12 / Raspberry Pi OS bookworm package <c>libgpiod2</c>).</summary>
    Libgpiod,

    /// <summary><c>LibGpiodV2Driver</c>: libgpiod v2 ABI, <c>libgpiod.so.3</c> (Debian 13 / Raspberry Pi OS trixie package <c>libgpiod3</c>).</summary>
    Libgpiod2,

    /// <summary><c>SysFsDriver</c>: the deprecated /sys/class/gpio interface (a last resort: no libgpiod at all).</summary>
    Sysfs,
}

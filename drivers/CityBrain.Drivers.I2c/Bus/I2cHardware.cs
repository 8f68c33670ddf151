using CityBrain.Sensing.Hardware;

namespace CityBrain.Drivers.I2c;

/// <summary>The I2C driver's shared handles in a <see cref="HardwareContext"/>.</summary>
public static class I2cHardware
{
    /// <summary>The <see cref="II2cDeviceFactory"/> every I2C sensor opens its device with; register a fake here in tests.</summary>
    public const string DeviceFactoryKey = "i2c:device-factory";

    /// <summary>The key of bus <paramref name="busNumber"/>'s lock: one lock per physical adapter, whatever the bus entry's id.</summary>
    public static string BusLockKey(int busNumber) => "i2c-bus:" + busNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The factory registered in <paramref name="hardware"/>, or the real one.</summary>
    public static II2cDeviceFactory DeviceFactory(HardwareContext hardware) =>
        hardware.GetOrAdd<II2cDeviceFactory>(DeviceFactoryKey, static () => new SystemI2cDeviceFactory());
}

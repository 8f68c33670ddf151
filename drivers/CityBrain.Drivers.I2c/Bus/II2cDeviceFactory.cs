using System.Device.I2c;

namespace CityBrain.Drivers.I2c;

/// <summary>
/// Opens the I2C device at one address of one bus. The edge uses <see cref="SystemI2cDeviceFactory"/>
/// (<c>/dev/i2c-N</c>); tests register simulated chips under <see cref="I2cHardware.DeviceFactoryKey"/>.
/// </summary>
public interface II2cDeviceFactory
{
    /// <summary>The device at <paramref name="address"/> on bus <paramref name="busNumber"/>; opening does not touch the bus.</summary>
    I2cDevice Open(int busNumber, int address);
}

using System.Device.I2c;

namespace CityBrain.Drivers.I2c;

/// <summary>Real I2C devices through System.Device.I2c (on Linux: <c>/dev/i2c-N</c> with the I2C_SLAVE ioctl per transfer).</summary>
public sealed class SystemI2cDeviceFactory : II2cDeviceFactory
{
    public I2cDevice Open(int busNumber, int address) => I2cDevice.Create(new I2cConnectionSettings(busNumber, address));
}

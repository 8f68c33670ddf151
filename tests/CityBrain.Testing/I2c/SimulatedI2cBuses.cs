using System.Device.I2c;
using CityBrain.Drivers.I2c;

namespace CityBrain.Testing.I2c;

/// <summary>An <see cref="II2cDeviceFactory"/> of simulated chips by (bus, address); nobody answers at any other address.</summary>
public sealed class SimulatedI2cBuses : II2cDeviceFactory
{
    private readonly Dictionary<(int Bus, int Address), SimulatedChip> _chips = [];

    public SimulatedI2cBuses Add(int bus, SimulatedChip chip)
    {
        _chips[(bus, chip.ConnectionSettings.DeviceAddress)] = chip;
        return this;
    }

    public I2cDevice Open(int busNumber, int address) =>
        _chips.TryGetValue((busNumber, address), out var chip) ? chip.Open() : new Nobody(new I2cConnectionSettings(busNumber, address)).Open();

    private sealed class Nobody(I2cConnectionSettings settings) : SimulatedChip(settings.DeviceAddress)
    {
        protected override void Transfer(byte[] written, byte[] read) => throw new IOException("Error 121 performing I2C data transfer.");
    }
}

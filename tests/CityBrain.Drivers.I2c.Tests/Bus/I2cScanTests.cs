using CityBrain.Testing.I2c;

namespace CityBrain.Drivers.I2c.Tests.Bus;

public sealed class I2cScanTests
{
    [Fact]
    public void Run_ListsExactlyTheAddressesThatAcknowledge()
    {
        var buses = new SimulatedI2cBuses()
            .Add(1, new SimulatedBh1750(0x23))
            .Add(1, new SimulatedAds1115(0x48))
            .Add(1, new SimulatedBme280(0x76))
            .Add(2, new SimulatedBh1750(0x5C));
        var unplugged = new SimulatedVl53l0x(0x29) { Unplugged = true };
        buses.Add(1, unplugged);

        Assert.Equal([0x23, 0x48, 0x76], I2cScan.Run(buses, 1));
        Assert.Equal([0x5C], I2cScan.Run(buses, 2));
        Assert.Empty(I2cScan.Run(buses, 4));
    }
}

using CityBrain.Drivers.Modbus;
using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Driver;

public sealed class ModbusDriverFactoryTests
{
    [Fact]
    public async Task NodeConfigShape_BuildsDriversSharingTheirBus()
    {
        var catalog = await TemplateCatalog.LoadDirectoryAsync(TemplatePaths.Templates, CancellationToken.None);
        Assert.True(catalog.Names.Count >= 6);
        await using var sim = await SimulatedBus.StartTcpAsync("weather-station-ws100", 3);
        int port = int.Parse(sim.Bus.Client.Endpoint.Split(':')[^1]);
        ModbusBusOptions[] buses =
        [
            new() { Id = "plc-1", Kind = ModbusBusOptions.ParseKind("modbus-tcp"), Host = "127.0.0.1", Port = port, RequestTimeout = TimeSpan.FromSeconds(1) },
            new() { Id = "rs485-1", Kind = ModbusBusKind.Rtu, SerialPort = "/dev/ttyUSB0", BaudRate = 9600, Parity = SerialParity.Even, TurnaroundDelay = TimeSpan.FromMilliseconds(10) },
        ];
        await using var factory = new ModbusDriverFactory(buses, catalog);
        await using var weather = factory.CreateDriver(new ModbusDeviceOptions { SensorId = "weather-1", BusId = "plc-1", UnitId = 3, Template = "weather-station-ws100", Points = ["air_temperature", "relative_humidity"] });
        var collector = new CollectingReadings();
        await weather.PollAsync(collector, CancellationToken.None);
        Assert.Equal(2, collector.Readings.Count);

        var noBus = Assert.Throws<ModbusConfigurationException>(() => factory.CreateDriver(new ModbusDeviceOptions { SensorId = "x", BusId = "rs485-9", Template = "bin-level-ub40" }));
        Assert.Contains("rs485-1", noBus.Message, StringComparison.Ordinal);
        var noTemplate = Assert.Throws<ModbusConfigurationException>(() => factory.CreateDriver(new ModbusDeviceOptions { SensorId = "x", BusId = "rs485-1", Template = "bin-level" }));
        Assert.Contains("sensors[x].template = bin-level", noTemplate.Message, StringComparison.Ordinal);
        Assert.Contains("bin-level-ub40", noTemplate.Message, StringComparison.Ordinal);
    }
}

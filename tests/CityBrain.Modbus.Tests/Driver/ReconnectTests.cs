using System.Net;
using CityBrain.Drivers.Modbus;
using CityBrain.Modbus.Tests.Support;

namespace CityBrain.Modbus.Tests.Driver;

/// <summary>Devices close idle TCP sockets; the next poll reconnects (the stack reports <c>disconnected</c>, the retry recovers).</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task DeviceClosesIdleConnection_NextPollReconnectsWithoutFaults()
    {
        const string Name = "flood-level-fl10";
        var template = await SimulatedBus.TemplateAsync(Name);
        var device = new SimulatedDevice(template, await SimulatedBus.VectorAsync(Name));
        var options = new ModbusServerOptions { ResolveUnit = u => u == 255 ? device : null, IdleTimeout = TimeSpan.FromMilliseconds(200) };
        await using var server = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), options);
        server.Start();
        await using var bus = new ModbusBus("plc-1", ModbusClient.CreateTcp("127.0.0.1", server.LocalEndPoint.Port, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) }));
        await using var driver = new ModbusDeviceDriver(new ModbusDeviceOptions { SensorId = "flood-1", BusId = "plc-1", Template = Name }, template, bus, new ModbusResilienceOptions { RetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) });

        for (int poll = 0; poll < 3; poll++)
        {
            var collector = new CollectingReadings();
            await driver.PollAsync(collector, CancellationToken.None);
            Assert.Empty(collector.Faults);
            Assert.Equal(7, collector.Readings.Count);

            // Stay idle past the device's idle timeout; it closes the socket.
            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }
    }
}

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
        // The request timeout only bounds how long an answer may take on a loaded CI machine (thread-pool stalls of over
        // a second were seen on 2 cores); it does not relax the check: a closed connection noticed only by a timeout
        // is still a "timeout" fault, whatever the timeout.
        await using var bus = new ModbusBus("plc-1", ModbusClient.CreateTcp("127.0.0.1", server.LocalEndPoint.Port, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) }));
        await using var driver = new ModbusDeviceDriver(new ModbusDeviceOptions { SensorId = "flood-1", BusId = "plc-1", Template = Name }, template, bus, new ModbusResilienceOptions { RetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) });

        for (int poll = 0; poll < 3; poll++)
        {
            long connectionsBefore = server.Counters.Connections;
            var collector = new CollectingReadings();
            await driver.PollAsync(collector, CancellationToken.None);
            Assert.True(collector.Faults.Count == 0, $"poll {poll}: {string.Join("; ", collector.Faults)}");
            Assert.Equal(7, collector.Readings.Count);

            // Every poll met a closed connection and opened a new one: the reconnect path really ran. (Not "exactly
            // one": under load the server's idle timer can also close mid-poll, which the retry covers as well.)
            Assert.True(server.Counters.Connections > connectionsBefore, $"poll {poll} did not reconnect");

            // Stay idle until the device has closed the socket (its idle timeout), so the next poll meets a closed
            // connection. A fixed sleep raced the server's idle timer when the machine was loaded.
            await WaitUntilIdleClosedAsync(server, TimeSpan.FromSeconds(10));
        }
    }

    private static async Task WaitUntilIdleClosedAsync(ModbusTcpServer server, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        while (server.Counters.OpenConnections != 0)
        {
            Assert.False(cts.IsCancellationRequested, $"the device did not close its idle connection within {deadline.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
        }
    }
}

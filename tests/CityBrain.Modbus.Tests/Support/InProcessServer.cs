using System.Net;

namespace CityBrain.Modbus.Tests.Support;

/// <summary>Our TCP server on a free loopback port with a data bank at unit 1, plus a client to it.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private InProcessServer(ModbusTcpServer server, ModbusClient client)
    {
        Server = server;
        Client = client;
    }

    public ModbusDataBank Bank { get; } = new();

    public ModbusTcpServer Server { get; }

    public ModbusClient Client { get; }

    public static InProcessServer StartTcp(IModbusFaultInjector? faults = null, TimeSpan? timeout = null)
    {
        ModbusDataBank? bank = null;
        var server = new ModbusTcpServer(new IPEndPoint(IPAddress.Loopback, 0), new ModbusServerOptions { ResolveUnit = u => u == 1 ? bank : null, Faults = faults });
        server.Start();
        var client = ModbusClient.CreateTcp("127.0.0.1", server.LocalEndPoint.Port, new ModbusClientOptions { RequestTimeout = timeout ?? TimeSpan.FromSeconds(2) });
        var result = new InProcessServer(server, client);
        bank = result.Bank;
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

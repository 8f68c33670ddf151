using System.Net;
using System.Net.Sockets;

namespace CityBrain.Modbus.Tests.Support;

/// <summary>Two connected loopback sockets as streams: a hardware-free stand-in for a serial line.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private LoopbackPair(NetworkStream a, NetworkStream b)
    {
        A = a;
        B = b;
    }

    public NetworkStream A { get; }

    public NetworkStream B { get; }

    public static async Task<LoopbackPair> CreateAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var server = await accept;
        server.NoDelay = true;
        return new LoopbackPair(new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    /// <summary>Starts an RTU server on side B (dispose it before the pair).</summary>
    public async Task<ModbusRtuServer> ServeRtuAsync(Func<byte, IModbusDataStore?> resolveUnit, IModbusFaultInjector? faults = null)
    {
        var server = new ModbusRtuServer(new StreamTransport(B, "rtu:server"), new ModbusServerOptions { ResolveUnit = resolveUnit, Faults = faults });
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    /// <summary>An RTU client on side A.</summary>
    public ModbusClient RtuClient(TimeSpan timeout, TimeSpan interFrameSilence = default) =>
        new(new StreamTransport(A, "rtu:client", interFrameSilence), new RtuFramer(), new ModbusClientOptions { RequestTimeout = timeout });

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

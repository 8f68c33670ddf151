using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CityBrain.Modbus;

/// <summary>
/// A Modbus TCP server (slave): accepts up to <see cref="ModbusServerOptions.MaxConnections"/> connections and
/// answers each request in order. Bind to port 0 and read <see cref="LocalEndPoint"/> for a free port.
/// </summary>
public sealed class ModbusTcpServer : IAsyncDisposable
{
    private readonly ModbusServerOptions _options;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _active;

    public ModbusTcpServer(IPEndPoint endpoint, ModbusServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _listener = new TcpListener(endpoint);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public ModbusServerCounters Counters { get; } = new();

    /// <summary>Starts listening; throws <see cref="SocketException"/> when the address is taken.</summary>
    public void Start()
    {
        _listener.Start(64);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] pending;
        lock (_lock)
        {
            pending = [.. _connections, _acceptLoop];
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Interlocked.Increment(ref _active) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _active);
                socket.Dispose();
                continue;
            }

            socket.NoDelay = true;
            Counters.ConnectionOpened();
            lock (_lock)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(ServeAsync(socket, cancellationToken));
            }
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        await Task.Yield();
        var transport = new StreamTransport(new NetworkStream(socket, ownsSocket: true), $"tcp-peer:{socket.RemoteEndPoint}");
        var reader = new MbapFrameReader();
        byte[] tx = new byte[ModbusLimits.MaxTcpAduLength + 8];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                idle.CancelAfter(_options.IdleTimeout);
                var frame = await reader.ReadFrameAsync(transport, idle.Token).ConfigureAwait(false);
                ushort transactionId = BinaryPrimitives.ReadUInt16BigEndian(frame.Span);
                byte unit = frame.Span[6];
                int garbage = 0;
                var (length, fault) = await ModbusServerCore.HandleAsync(
                    _options, Counters, unit, frame[ModbusLimits.MbapHeaderLength..], tx.AsMemory(8 + ModbusLimits.MbapHeaderLength), true, stopping).ConfigureAwait(false);
                if (length == 0 || fault == ModbusFaultKind.Drop)
                {
                    continue;
                }

                if (fault == ModbusFaultKind.Corrupt && length > 1)
                {
                    tx[8 + ModbusLimits.MbapHeaderLength + 1] ^= 0x5A;
                }
                else if (fault == ModbusFaultKind.Garbage)
                {
                    garbage = 1 + Random.Shared.Next(8);
                    Random.Shared.NextBytes(tx.AsSpan(8 - garbage, garbage));
                }

                TcpFramer.WriteHeader(tx.AsSpan(8), transactionId, unit, length);
                await transport.WriteAsync(tx.AsMemory(8 - garbage, garbage + ModbusLimits.MbapHeaderLength + length), stopping).ConfigureAwait(false);
            }
        }
        catch (ModbusProtocolException)
        {
            Counters.Rejected();
        }
        catch (Exception ex) when (ex is ModbusException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer closed, went idle or the server is stopping.
        }
        finally
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            Counters.ConnectionClosed();
            Interlocked.Decrement(ref _active);
        }
    }
}

using System.Net.Sockets;

namespace CityBrain.Modbus;

/// <summary>A Modbus TCP connection: one persistent socket, reconnected on demand, connect bounded by a timeout.</summary>
public sealed class TcpTransport : IModbusTransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _timeProvider;
    private Socket? _socket;

    public TcpTransport(string host, int port, TimeSpan connectTimeout, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        _host = host;
        _port = port;
        _connectTimeout = connectTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Endpoint = $"tcp://{host}:{port}";
    }

    public string Endpoint { get; }

    public bool IsOpen => _socket is { Connected: true };

    public TimeSpan InterFrameSilence => TimeSpan.Zero;

    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        if (IsOpen)
        {
            return;
        }

        Close();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await socket.ConnectAsync(_host, _port, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            string why = ex is OperationCanceledException ? $"timed out after {_connectTimeout.TotalMilliseconds:0} ms" : ex.Message;
            throw new ModbusConnectionException($"Cannot connect to {Endpoint}: {why}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new ModbusConnectionException($"{Endpoint} is not connected.");
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new ModbusConnectionException($"{Endpoint} is not connected.");
        return socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
    }

    public void DiscardInput()
    {
        // Late TCP responses are discarded by transaction id; nothing to flush.
    }

    public void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}

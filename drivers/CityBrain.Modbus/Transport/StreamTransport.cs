namespace CityBrain.Modbus;

/// <summary>
/// A transport over an already-open <see cref="Stream"/> (a loopback socket's NetworkStream, a test's scripted
/// stream). The stream's owner opens it; <see cref="Close"/> disposes it and it cannot be reopened.
/// </summary>
public sealed class StreamTransport : IModbusTransport
{
    private Stream? _stream;

    public StreamTransport(Stream stream, string endpoint, TimeSpan interFrameSilence = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Endpoint = endpoint;
        InterFrameSilence = interFrameSilence;
    }

    public string Endpoint { get; }

    public bool IsOpen => _stream is not null;

    public TimeSpan InterFrameSilence { get; }

    public ValueTask OpenAsync(CancellationToken cancellationToken) => _stream is null
        ? throw new ModbusConnectionException($"{Endpoint} was closed and cannot be reopened.")
        : ValueTask.CompletedTask;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        (_stream ?? throw new ModbusConnectionException($"{Endpoint} is closed.")).WriteAsync(data, cancellationToken);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        (_stream ?? throw new ModbusConnectionException($"{Endpoint} is closed.")).ReadAsync(buffer, cancellationToken);

    public void DiscardInput()
    {
        // A socket (the loopback stand-in for a serial line) can drop what has arrived; a plain stream has no input
        // buffer to drop, and the RTU framer resynchronises instead.
        if (_stream is System.Net.Sockets.NetworkStream socket)
        {
            Span<byte> scratch = stackalloc byte[256];
            while (socket.DataAvailable && socket.Read(scratch) > 0)
            {
            }
        }
    }

    public void Close()
    {
        _stream?.Dispose();
        _stream = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}

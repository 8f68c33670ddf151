namespace CityBrain.Modbus;

/// <summary>
/// A byte stream under the framing: a TCP connection or a serial line. Opening is lazy and repeatable: after
/// <see cref="Close"/> (or a failure) the next <see cref="OpenAsync"/> reconnects. Not thread-safe; the client
/// runs one transaction at a time over it.
/// </summary>
public interface IModbusTransport : IAsyncDisposable
{
    /// <summary>Where the bytes go, for error messages (e.g. <c>tcp://10.0.0.5:502</c>).</summary>
    string Endpoint { get; }

    bool IsOpen { get; }

    /// <summary>Minimum silence between frames on this medium (t3.5 on a serial line, zero on TCP).</summary>
    TimeSpan InterFrameSilence { get; }

    ValueTask OpenAsync(CancellationToken cancellationToken);

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Reads at least one byte; returns 0 when the peer closed the stream.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Drops whatever has been received and not read (serial input buffer after a timeout or CRC error).</summary>
    void DiscardInput();

    /// <summary>Drops the connection; the next <see cref="OpenAsync"/> reconnects.</summary>
    void Close();
}

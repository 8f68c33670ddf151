using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// An MQTT channel that reads the socket in large blocks. MQTTnet's packet reader asks its channel for 2 bytes of
/// fixed header, then 1 byte per further length byte, then the body in 4 KiB chunks: five <c>recv</c> system calls for
/// a 12 KB telemetry message. This channel serves those small reads from one buffer filled by a single large read
/// (many packets per system call under load). It only reads what the socket already offers (a read returns as soon as
/// some bytes are there), so no packet waits for more input, and the buffer is bounded by
/// <paramref name="bufferBytes"/>: the receive window's backpressure still works (the reader stops asking, TCP flow
/// control holds the broker). Reads come from the one packet-reading loop only (as MQTTnet's adapter does); writes go
/// straight through.
/// </summary>
public sealed class ReadBufferedChannel(IMqttChannel inner, int bufferBytes) : IMqttChannel
{
    private readonly byte[] _buffer = new byte[Math.Max(4096, bufferBytes)];
    private int _start;
    private int _end;
    private Task<int>? _lastResult;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    /// <summary>Bytes read from the socket and not yet handed to the packet reader.</summary>
    public int Buffered => _end - _start;

    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        _start = _end = 0;
        return inner.ConnectAsync(cancellationToken);
    }

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (_start < _end)
        {
            return Completed(CopyOut(buffer, offset, count));
        }

        return count >= _buffer.Length
            ? inner.ReadAsync(buffer, offset, count, cancellationToken) // nothing gained by copying
            : FillAndReadAsync(buffer, offset, count, cancellationToken);
    }

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, isEndOfPacket, cancellationToken);

    public void Dispose() => inner.Dispose();

    private async Task<int> FillAndReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        int read = await inner.ReadAsync(_buffer, 0, _buffer.Length, cancellationToken).ConfigureAwait(false);
        if (read <= 0)
        {
            return read; // closed
        }

        _start = 0;
        _end = read;
        return CopyOut(buffer, offset, count);
    }

    private int CopyOut(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(count, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(buffer.AsSpan(offset, n));
        _start += n;
        return n;
    }

    /// <summary>A completed task for <paramref name="n"/>: the body chunk size repeats, so its task is reused (no allocation per read).</summary>
    private Task<int> Completed(int n)
    {
        var last = _lastResult;
        if (last is not null && last.Result == n)
        {
            return last;
        }

        var task = Task.FromResult(n);
        _lastResult = task;
        return task;
    }
}

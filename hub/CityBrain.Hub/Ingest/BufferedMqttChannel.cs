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
/// control holds the broker). Reads come from the one packet-reading loop only (as MQTTnet's adapter does).
/// Writes go straight through, except between <see cref="HoldWrites"/> and <see cref="ReleaseWritesAsync"/>: then
/// whole packets are collected (up to <see cref="MaxHeldBytes"/>) and sent with one system call at the release, so a
/// burst of PUBACKs for a stored batch costs one <c>send</c> instead of one per message. Packets keep their order.
/// </summary>
public sealed class BufferedMqttChannel(IMqttChannel inner, int bufferBytes) : IMqttChannel
{
    /// <summary>Held bytes beyond which a write goes out at once (after the held ones).</summary>
    public const int MaxHeldBytes = 64 * 1024;

    private readonly byte[] _buffer = new byte[Math.Max(4096, bufferBytes)];
    private readonly Lock _heldGate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private int _start;
    private int _end;
    private Task<int>? _lastResult;
    private ArrayBufferWriter<byte> _held = new(4096);
    private ArrayBufferWriter<byte> _sending = new(4096);
    private int _holds;

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

    /// <summary>Bytes of packets held for the next release.</summary>
    public int HeldBytes
    {
        get
        {
            lock (_heldGate)
            {
                return _held.WrittenCount;
            }
        }
    }

    /// <summary>Collects the packets written from now on until <see cref="ReleaseWritesAsync"/> (calls nest).</summary>
    public void HoldWrites()
    {
        lock (_heldGate)
        {
            _holds++;
        }
    }

    /// <summary>Ends a <see cref="HoldWrites"/>; the last release sends the held packets in one write.</summary>
    public Task ReleaseWritesAsync(CancellationToken cancellationToken)
    {
        lock (_heldGate)
        {
            _holds = Math.Max(0, _holds - 1);
            if (_holds > 0 || _held.WrittenCount == 0)
            {
                return Task.CompletedTask;
            }
        }

        return WriteThroughAsync(ReadOnlySequence<byte>.Empty, true, cancellationToken);
    }

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        lock (_heldGate)
        {
            if (_holds > 0 && _held.WrittenCount + buffer.Length <= MaxHeldBytes)
            {
                foreach (var segment in buffer)
                {
                    _held.Write(segment.Span);
                }

                return Task.CompletedTask;
            }
        }

        return WriteThroughAsync(buffer, isEndOfPacket, cancellationToken);
    }

    public void Dispose()
    {
        inner.Dispose();
        _writing.Dispose();
    }

    /// <summary>Sends what is held, then <paramref name="buffer"/>; one writer at a time, so packets never overtake held ones.</summary>
    private async Task WriteThroughAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ArrayBufferWriter<byte>? held = null;
            lock (_heldGate)
            {
                if (_held.WrittenCount > 0)
                {
                    // Swap: packets written while this one goes out are held for the next release.
                    held = _held;
                    _held = _sending;
                    _sending = held;
                }
            }

            if (held is not null)
            {
                try
                {
                    await inner.WriteAsync(new ReadOnlySequence<byte>(held.WrittenMemory), buffer.IsEmpty || isEndOfPacket, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    held.ResetWrittenCount();
                }
            }

            if (!buffer.IsEmpty)
            {
                await inner.WriteAsync(buffer, isEndOfPacket, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

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

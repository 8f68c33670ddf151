using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace CityBrain.Modbus;

/// <summary>
/// Reads MBAP frames from a byte stream with one receive per frame in the common case: it reads whatever has arrived
/// into a bounded buffer (two maximum ADUs) and keeps bytes past the frame for the next call (TCP may coalesce frames).
/// </summary>
public sealed class MbapFrameReader
{
    private readonly byte[] _buffer = new byte[ModbusLimits.MaxTcpAduLength * 2];
    private int _start;
    private int _count;

    /// <summary>Drops buffered bytes (after a reconnect or a desynchronised stream).</summary>
    public void Reset()
    {
        _start = 0;
        _count = 0;
    }

    /// <summary>
    /// Returns the next whole frame (MBAP header + PDU), valid until the next call. Throws
    /// <see cref="ModbusProtocolException"/> for a bad protocol id or length and <see cref="ModbusConnectionException"/>
    /// when the peer closes the stream.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ReadFrameAsync(IModbusTransport transport, CancellationToken cancellationToken)
    {
        await FillAsync(transport, ModbusLimits.MbapHeaderLength, cancellationToken).ConfigureAwait(false);
        var header = _buffer.AsSpan(_start, ModbusLimits.MbapHeaderLength);
        ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        ushort length = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
        if (protocol != 0)
        {
            Reset();
            throw new ModbusProtocolException($"MBAP protocol id is {protocol}; Modbus is 0 (stream out of sync?).");
        }

        if (length is < 2 or > 254)
        {
            Reset();
            throw new ModbusProtocolException($"MBAP length is {length}; it must be 2..254 (unit id + PDU).");
        }

        int frameLength = ModbusLimits.MbapHeaderLength - 1 + length;
        await FillAsync(transport, frameLength, cancellationToken).ConfigureAwait(false);
        var frame = _buffer.AsMemory(_start, frameLength);
        _start += frameLength;
        return frame;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(IModbusTransport transport, int needed, CancellationToken cancellationToken)
    {
        while (_count - _start < needed)
        {
            if (_start > 0 && _start + needed > _buffer.Length - ModbusLimits.MaxTcpAduLength)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _count - _start);
                _count -= _start;
                _start = 0;
            }
            else if (_start == _count)
            {
                _start = 0;
                _count = 0;
            }

            int read = await transport.ReadAsync(_buffer.AsMemory(_count), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                Reset();
                throw new ModbusConnectionException($"{transport.Endpoint} closed the connection{(_count > _start ? " mid-frame" : "")}.");
            }

            _count += read;
        }
    }
}

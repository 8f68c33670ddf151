using System.Buffers.Binary;

namespace CityBrain.Modbus;

/// <summary>
/// Modbus TCP framing: 7-byte MBAP header (transaction id, protocol 0, length, unit) + PDU. Responses whose
/// transaction id is not the current one (late answers to timed-out requests) are discarded and counted.
/// A bad protocol id or length means the stream is out of sync: the client drops the connection.
/// </summary>
public sealed class TcpFramer : IModbusFramer
{
    private readonly byte[] _rx = new byte[ModbusLimits.MaxTcpAduLength];
    private ushort _transactionId;

    /// <summary>Responses discarded because their transaction id did not match (late or stray).</summary>
    public long StrayResponses { get; private set; }

    public int PduOffset => ModbusLimits.MbapHeaderLength;

    public bool SupportsBroadcast => false;

    public bool ResetConnectionOnProtocolError => true;

    /// <summary>The transaction id of the request sealed last.</summary>
    public ushort TransactionId => _transactionId;

    public int Seal(Span<byte> adu, byte unit, int pduLength)
    {
        _transactionId++;
        WriteHeader(adu, _transactionId, unit, pduLength);
        return ModbusLimits.MbapHeaderLength + pduLength;
    }

    /// <summary>Writes an MBAP header for a PDU of <paramref name="pduLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> adu, ushort transactionId, byte unit, int pduLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(adu, transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(adu[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(adu[4..], (ushort)(pduLength + 1));
        adu[6] = unit;
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReadResponseAsync(IModbusTransport transport, byte unit, ReadOnlyMemory<byte> requestPdu, CancellationToken cancellationToken)
    {
        while (true)
        {
            int pduLength = await ReadFrameAsync(transport, _rx, cancellationToken).ConfigureAwait(false);
            ushort transactionId = BinaryPrimitives.ReadUInt16BigEndian(_rx);
            if (transactionId != _transactionId)
            {
                StrayResponses++;
                continue;
            }

            if (_rx[6] != unit)
            {
                throw new ModbusProtocolException($"Response to transaction {transactionId} names unit {_rx[6]}; the request was to unit {unit}.");
            }

            return _rx.AsMemory(ModbusLimits.MbapHeaderLength, pduLength);
        }
    }

    /// <summary>Reads one MBAP frame into <paramref name="buffer"/> (≥ 260 bytes); returns the PDU length.</summary>
    public static async ValueTask<int> ReadFrameAsync(IModbusTransport transport, byte[] buffer, CancellationToken cancellationToken)
    {
        await ReadExactlyAsync(transport, buffer.AsMemory(0, ModbusLimits.MbapHeaderLength), cancellationToken).ConfigureAwait(false);
        ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2));
        ushort length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(4));
        if (protocol != 0)
        {
            throw new ModbusProtocolException($"MBAP protocol id is {protocol}; Modbus is 0 (stream out of sync?).");
        }

        if (length is < 2 or > 254)
        {
            throw new ModbusProtocolException($"MBAP length is {length}; it must be 2..254 (unit id + PDU).");
        }

        await ReadExactlyAsync(transport, buffer.AsMemory(ModbusLimits.MbapHeaderLength, length - 1), cancellationToken).ConfigureAwait(false);
        return length - 1;
    }

    private static async ValueTask ReadExactlyAsync(IModbusTransport transport, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read = await transport.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ModbusConnectionException($"{transport.Endpoint} closed the connection mid-frame.");
            }

            buffer = buffer[read..];
        }
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace CityBrain.Modbus;

/// <summary>
/// Modbus TCP framing: 7-byte MBAP header (transaction id, protocol 0, length, unit) + PDU. Responses whose
/// transaction id is not the current one (late answers to timed-out requests) are discarded and counted.
/// A bad protocol id or length means the stream is out of sync: the client drops the connection.
/// </summary>
public sealed class TcpFramer : IModbusFramer
{
    private readonly MbapFrameReader _reader = new();
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ReadResponseAsync(IModbusTransport transport, byte unit, ReadOnlyMemory<byte> requestPdu, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await _reader.ReadFrameAsync(transport, cancellationToken).ConfigureAwait(false);
            var span = frame.Span;
            ushort transactionId = BinaryPrimitives.ReadUInt16BigEndian(span);
            if (transactionId != _transactionId)
            {
                StrayResponses++;
                continue;
            }

            if (span[6] != unit)
            {
                throw new ModbusProtocolException($"Response to transaction {transactionId} names unit {span[6]}; the request was to unit {unit}.");
            }

            return frame[ModbusLimits.MbapHeaderLength..];
        }
    }

    public void Reset() => _reader.Reset();
}

using System.Runtime.CompilerServices;

namespace CityBrain.Modbus;

/// <summary>
/// Modbus RTU framing: <c>[unit][PDU][CRC lo][CRC hi]</c>. The end of a response is found from its expected length
/// (System.IO.Ports cannot time t1.5/t3.5), not from silence. Bytes that cannot start the expected response are
/// skipped (resynchronisation), up to <see cref="MaxResyncBytes"/>; then the read fails with a protocol error.
/// </summary>
public sealed class RtuFramer : IModbusFramer
{
    private readonly byte[] _rx = new byte[ModbusLimits.MaxRtuAduLength * 2];

    public RtuFramer(int maxResyncBytes = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxResyncBytes);
        MaxResyncBytes = maxResyncBytes;
    }

    /// <summary>How many unexpected bytes a read may skip before giving up.</summary>
    public int MaxResyncBytes { get; }

    /// <summary>Bytes skipped while resynchronising, over the framer's life (a line-quality counter).</summary>
    public long SkippedBytes { get; private set; }

    public int PduOffset => 1;

    public bool SupportsBroadcast => true;

    public bool ResetConnectionOnProtocolError => false;

    public int Seal(Span<byte> adu, byte unit, int pduLength)
    {
        adu[0] = unit;
        int length = pduLength + 3;
        Crc16.Append(adu[..length]);
        return length;
    }

    public void Reset()
    {
        // Each read starts from an empty buffer; nothing carries over between transactions.
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ReadResponseAsync(IModbusTransport transport, byte unit, ReadOnlyMemory<byte> requestPdu, CancellationToken cancellationToken)
    {
        byte function = requestPdu.Span[0];
        int expectedPdu = ModbusResponsePdu.ExpectedLength(requestPdu.Span);
        int normalFrame = expectedPdu > 0 ? expectedPdu + 3 : 8;
        int start = 0;
        int count = 0;
        int skipped = 0;
        bool crcFailed = false;
        while (true)
        {
            int available = count - start;
            int frameLength = available >= 2 ? CandidateLength(_rx.AsSpan(start, available), unit, function, expectedPdu) : 0;
            if (frameLength < 0 || (frameLength > 0 && available >= frameLength && !Crc16.Check(_rx.AsSpan(start, frameLength))))
            {
                crcFailed |= frameLength > 0;
                start++;
                skipped++;
                SkippedBytes++;
                if (skipped > MaxResyncBytes)
                {
                    throw new ModbusProtocolException($"No valid RTU response after skipping {skipped} bytes (cap {MaxResyncBytes}); check baud rate, parity and unit id.");
                }

                continue;
            }

            if (frameLength > 0 && available >= frameLength)
            {
                return _rx.AsMemory(start + 1, frameLength - 3);
            }

            if (crcFailed)
            {
                throw new ModbusCrcException($"RTU response to function {function:X2} failed its CRC-16 check.");
            }

            if (start > 0)
            {
                Buffer.BlockCopy(_rx, start, _rx, 0, available);
                count = available;
                start = 0;
            }

            int target = frameLength > 0 ? frameLength : Math.Max(normalFrame, 2);
            int want = Math.Clamp(target - count, 1, _rx.Length - count);
            int read = await transport.ReadAsync(_rx.AsMemory(count, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ModbusConnectionException($"Serial stream {transport.Endpoint} closed while reading a response.");
            }

            count += read;
        }
    }

    /// <summary>-1: cannot start the response; 0: need more bytes; otherwise the full frame length.</summary>
    private static int CandidateLength(ReadOnlySpan<byte> data, byte unit, byte function, int expectedPdu)
    {
        if (data[0] != unit)
        {
            return -1;
        }

        if (data[1] == (function | 0x80))
        {
            return 5;
        }

        if (data[1] != function)
        {
            return -1;
        }

        if (expectedPdu > 0)
        {
            return expectedPdu + 3;
        }

        int measured = ModbusDeviceIdentification.MeasureResponse(data[1..]);
        return measured <= 0 ? measured : measured + 3;
    }
}

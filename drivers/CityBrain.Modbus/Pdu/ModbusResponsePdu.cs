using System.Buffers.Binary;

namespace CityBrain.Modbus;

/// <summary>
/// Parses response PDUs. An exception response becomes <see cref="ModbusDeviceException"/>; anything malformed
/// (wrong function, byte count or length, echo mismatch) becomes <see cref="ModbusProtocolException"/>.
/// </summary>
public static class ModbusResponsePdu
{
    /// <summary>The length of the normal response PDU to <paramref name="request"/>, or -1 when it varies (FC 2B).</summary>
    public static int ExpectedLength(ReadOnlySpan<byte> request)
    {
        var function = (ModbusFunction)request[0];
        return function switch
        {
            ModbusFunction.ReadCoils or ModbusFunction.ReadDiscreteInputs => 2 + BitPacking.ByteCount(BinaryPrimitives.ReadUInt16BigEndian(request[3..])),
            ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters => 2 + (2 * BinaryPrimitives.ReadUInt16BigEndian(request[3..])),
            ModbusFunction.ReadWriteMultipleRegisters => 2 + (2 * BinaryPrimitives.ReadUInt16BigEndian(request[3..])),
            ModbusFunction.WriteSingleCoil or ModbusFunction.WriteSingleRegister
                or ModbusFunction.WriteMultipleCoils or ModbusFunction.WriteMultipleRegisters => 5,
            _ => -1,
        };
    }

    /// <summary>Throws <see cref="ModbusDeviceException"/> for an exception response and checks the function echo.</summary>
    public static void CheckFunction(ReadOnlySpan<byte> response, ModbusFunction expected)
    {
        if (response.Length == 0)
        {
            throw new ModbusProtocolException($"Empty response PDU to function {(byte)expected:X2}.");
        }

        byte fc = response[0];
        if (fc == ((byte)expected | 0x80))
        {
            if (response.Length != 2)
            {
                throw new ModbusProtocolException($"Exception response to function {(byte)expected:X2} has {response.Length} bytes; expected 2.");
            }

            throw new ModbusDeviceException(expected, (ModbusExceptionCode)response[1]);
        }

        if (fc != (byte)expected)
        {
            throw new ModbusProtocolException($"Response carries function {fc:X2}; the request was function {(byte)expected:X2}.");
        }
    }

    /// <summary>FC 03/04/17: copies the register values into <paramref name="destination"/> (its length = requested count).</summary>
    public static void ReadRegisters(ReadOnlySpan<byte> response, ModbusFunction function, Span<ushort> destination)
    {
        CheckFunction(response, function);
        int bytes = destination.Length * 2;
        CheckByteCount(response, function, bytes);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(response[(2 + (i * 2))..]);
        }
    }

    /// <summary>FC 01/02: unpacks bits into <paramref name="destination"/> (its length = requested count).</summary>
    public static void ReadBits(ReadOnlySpan<byte> response, ModbusFunction function, Span<bool> destination)
    {
        CheckFunction(response, function);
        CheckByteCount(response, function, BitPacking.ByteCount(destination.Length));
        BitPacking.Unpack(response[2..], destination);
    }

    /// <summary>FC 01/02: unpacks bits as 0/1 words into <paramref name="destination"/> (its length = requested count).</summary>
    public static void ReadBits(ReadOnlySpan<byte> response, ModbusFunction function, Span<ushort> destination)
    {
        CheckFunction(response, function);
        CheckByteCount(response, function, BitPacking.ByteCount(destination.Length));
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (ushort)((response[2 + (i >> 3)] >> (i & 7)) & 1);
        }
    }

    /// <summary>FC 05/06 echo the request; FC 0F/10 echo its first 5 bytes (function, start, quantity).</summary>
    public static void CheckWriteEcho(ReadOnlySpan<byte> response, ReadOnlySpan<byte> request)
    {
        var function = (ModbusFunction)request[0];
        CheckFunction(response, function);
        if (response.Length != 5 || !response.SequenceEqual(request[..5]))
        {
            throw new ModbusProtocolException($"Write response to function {(byte)function:X2} does not echo the request ({Convert.ToHexString(response)} vs {Convert.ToHexString(request[..5])}).");
        }
    }

    private static void CheckByteCount(ReadOnlySpan<byte> response, ModbusFunction function, int expectedBytes)
    {
        if (response.Length < 2 || response[1] != expectedBytes || response.Length != 2 + expectedBytes)
        {
            int declared = response.Length >= 2 ? response[1] : -1;
            throw new ModbusProtocolException($"Response to function {(byte)function:X2} declares {declared} data bytes in a {response.Length}-byte PDU; expected {expectedBytes}.");
        }
    }
}

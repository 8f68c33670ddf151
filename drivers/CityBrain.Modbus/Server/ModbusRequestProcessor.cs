using System.Buffers;
using System.Buffers.Binary;

namespace CityBrain.Modbus;

/// <summary>
/// The server side of every supported function: validates a request PDU as MB-APP §6 prescribes (bad quantity →
/// exception 03, unsupported function → 01), runs it against a data store and writes the response PDU.
/// </summary>
public static class ModbusRequestProcessor
{
    /// <summary>Handles <paramref name="request"/>; writes the normal or exception response; returns its length.</summary>
    public static int Process(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (request.IsEmpty)
        {
            return 0;
        }

        var function = (ModbusFunction)request[0];
        int length;
        var code = function switch
        {
            ModbusFunction.ReadCoils => ReadBits(store, ModbusTable.Coil, request, response, out length),
            ModbusFunction.ReadDiscreteInputs => ReadBits(store, ModbusTable.DiscreteInput, request, response, out length),
            ModbusFunction.ReadHoldingRegisters => ReadRegisters(store, ModbusTable.HoldingRegister, request, response, out length),
            ModbusFunction.ReadInputRegisters => ReadRegisters(store, ModbusTable.InputRegister, request, response, out length),
            ModbusFunction.WriteSingleCoil => WriteSingleCoil(store, request, response, out length),
            ModbusFunction.WriteSingleRegister => WriteSingleRegister(store, request, response, out length),
            ModbusFunction.WriteMultipleCoils => WriteMultipleCoils(store, request, response, out length),
            ModbusFunction.WriteMultipleRegisters => WriteMultipleRegisters(store, request, response, out length),
            ModbusFunction.ReadWriteMultipleRegisters => ReadWriteMultiple(store, request, response, out length),
            ModbusFunction.EncapsulatedInterfaceTransport => DeviceIdentificationResponder.Respond(store, request, response, out length),
            _ => Fail(ModbusExceptionCode.IllegalFunction, out length),
        };
        return code == ModbusExceptionCode.None ? length : WriteException(response, request[0], code);
    }

    /// <summary>Writes an exception response (function | 0x80, code); returns 2.</summary>
    public static int WriteException(Span<byte> response, byte function, ModbusExceptionCode code)
    {
        response[0] = (byte)(function | 0x80);
        response[1] = (byte)code;
        return 2;
    }

    private static ModbusExceptionCode Fail(ModbusExceptionCode code, out int length)
    {
        length = 0;
        return code;
    }

    private static bool TryRange(ReadOnlySpan<byte> request, int headerLength, int max, out ushort start, out int count, out ModbusExceptionCode code)
    {
        start = 0;
        count = 0;
        if (request.Length < headerLength)
        {
            code = ModbusExceptionCode.IllegalDataValue;
            return false;
        }

        start = BinaryPrimitives.ReadUInt16BigEndian(request[1..]);
        count = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        if (count < 1 || count > max)
        {
            code = ModbusExceptionCode.IllegalDataValue;
            return false;
        }

        if (start + count > 65536)
        {
            code = ModbusExceptionCode.IllegalDataAddress;
            return false;
        }

        code = ModbusExceptionCode.None;
        return true;
    }

    private static ModbusExceptionCode ReadBits(IModbusDataStore store, ModbusTable table, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (!TryRange(request, 5, ModbusLimits.MaxReadBits, out ushort start, out int count, out var code))
        {
            return code;
        }

        Span<bool> bits = stackalloc bool[count];
        code = store.ReadBits(table, start, bits);
        if (code != ModbusExceptionCode.None)
        {
            return code;
        }

        int bytes = BitPacking.ByteCount(count);
        response[0] = request[0];
        response[1] = (byte)bytes;
        BitPacking.Pack(bits, response[2..]);
        length = 2 + bytes;
        return code;
    }

    private static ModbusExceptionCode ReadRegisters(IModbusDataStore store, ModbusTable table, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (!TryRange(request, 5, ModbusLimits.MaxReadRegisters, out ushort start, out int count, out var code))
        {
            return code;
        }

        Span<ushort> values = stackalloc ushort[count];
        code = store.ReadRegisters(table, start, values);
        if (code != ModbusExceptionCode.None)
        {
            return code;
        }

        response[0] = request[0];
        response[1] = (byte)(count * 2);
        ModbusRequestPdu.WriteRegisters(response[2..], values);
        length = 2 + (count * 2);
        return code;
    }

    private static ModbusExceptionCode WriteSingleCoil(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (request.Length != 5)
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        ushort value = BinaryPrimitives.ReadUInt16BigEndian(request[3..]);
        if (value is not (0xFF00 or 0x0000))
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        ReadOnlySpan<bool> bit = [value == 0xFF00];
        var code = store.WriteCoils(BinaryPrimitives.ReadUInt16BigEndian(request[1..]), bit);
        return Echo(code, request, response, out length);
    }

    private static ModbusExceptionCode WriteSingleRegister(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (request.Length != 5)
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        ReadOnlySpan<ushort> value = [BinaryPrimitives.ReadUInt16BigEndian(request[3..])];
        var code = store.WriteRegisters(BinaryPrimitives.ReadUInt16BigEndian(request[1..]), value);
        return Echo(code, request, response, out length);
    }

    private static ModbusExceptionCode WriteMultipleCoils(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (!TryRange(request, 6, ModbusLimits.MaxWriteBits, out ushort start, out int count, out var code))
        {
            return code;
        }

        int bytes = BitPacking.ByteCount(count);
        if (request[5] != bytes || request.Length != 6 + bytes)
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        Span<bool> bits = stackalloc bool[count];
        BitPacking.Unpack(request[6..], bits);
        code = store.WriteCoils(start, bits);
        return Echo(code, request, response, out length);
    }

    private static ModbusExceptionCode WriteMultipleRegisters(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (!TryRange(request, 6, ModbusLimits.MaxWriteRegisters, out ushort start, out int count, out var code))
        {
            return code;
        }

        if (request[5] != count * 2 || request.Length != 6 + (count * 2))
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        Span<ushort> values = stackalloc ushort[count];
        ReadWords(request[6..], values);
        code = store.WriteRegisters(start, values);
        return Echo(code, request, response, out length);
    }

    private static ModbusExceptionCode ReadWriteMultiple(IModbusDataStore store, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (!TryRange(request, 10, ModbusLimits.MaxReadWriteReadRegisters, out ushort readStart, out int readCount, out var code)
            || !TryRange(request[4..], 6, ModbusLimits.MaxReadWriteWriteRegisters, out ushort writeStart, out int writeCount, out code))
        {
            return code;
        }

        if (request[9] != writeCount * 2 || request.Length != 10 + (writeCount * 2))
        {
            return ModbusExceptionCode.IllegalDataValue;
        }

        ushort[] rented = ArrayPool<ushort>.Shared.Rent(writeCount + readCount);
        try
        {
            var written = rented.AsSpan(0, writeCount);
            ReadWords(request[10..], written);
            code = store.WriteRegisters(writeStart, written);
            if (code != ModbusExceptionCode.None)
            {
                return code;
            }

            var read = rented.AsSpan(writeCount, readCount);
            code = store.ReadRegisters(ModbusTable.HoldingRegister, readStart, read);
            if (code != ModbusExceptionCode.None)
            {
                return code;
            }

            response[0] = request[0];
            response[1] = (byte)(readCount * 2);
            ModbusRequestPdu.WriteRegisters(response[2..], read);
            length = 2 + (readCount * 2);
            return code;
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(rented);
        }
    }

    private static ModbusExceptionCode Echo(ModbusExceptionCode code, ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        if (code != ModbusExceptionCode.None)
        {
            return code;
        }

        request[..5].CopyTo(response);
        length = 5;
        return code;
    }

    private static void ReadWords(ReadOnlySpan<byte> bytes, Span<ushort> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i * 2)..]);
        }
    }
}

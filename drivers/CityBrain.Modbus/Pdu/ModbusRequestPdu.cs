using System.Buffers.Binary;

namespace CityBrain.Modbus;

/// <summary>
/// Writes request PDUs (function code + data) into a caller's buffer. Spec quantity limits and the 0..65535 address
/// space are checked here, before anything is sent; a violation is the caller's bug and throws
/// <see cref="ArgumentOutOfRangeException"/> naming the limit.
/// </summary>
public static class ModbusRequestPdu
{
    /// <summary>FC 01/02/03/04: start address and quantity (5 bytes).</summary>
    public static int WriteRead(Span<byte> pdu, ModbusFunction function, ushort start, int count)
    {
        int max = function switch
        {
            ModbusFunction.ReadCoils or ModbusFunction.ReadDiscreteInputs => ModbusLimits.MaxReadBits,
            ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters => ModbusLimits.MaxReadRegisters,
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Not a read function (01..04)."),
        };
        CheckQuantity(start, count, max, function);
        pdu[0] = (byte)function;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], start);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)count);
        return 5;
    }

    /// <summary>FC 05: 0xFF00 = ON, 0x0000 = OFF.</summary>
    public static int WriteSingleCoil(Span<byte> pdu, ushort address, bool value)
    {
        pdu[0] = (byte)ModbusFunction.WriteSingleCoil;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value ? (ushort)0xFF00 : (ushort)0x0000);
        return 5;
    }

    /// <summary>FC 06.</summary>
    public static int WriteSingleRegister(Span<byte> pdu, ushort address, ushort value)
    {
        pdu[0] = (byte)ModbusFunction.WriteSingleRegister;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value);
        return 5;
    }

    /// <summary>FC 0F: 1..1968 coils.</summary>
    public static int WriteMultipleCoils(Span<byte> pdu, ushort start, ReadOnlySpan<bool> values)
    {
        CheckQuantity(start, values.Length, ModbusLimits.MaxWriteBits, ModbusFunction.WriteMultipleCoils);
        int bytes = BitPacking.ByteCount(values.Length);
        pdu[0] = (byte)ModbusFunction.WriteMultipleCoils;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], start);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)bytes;
        BitPacking.Pack(values, pdu[6..]);
        return 6 + bytes;
    }

    /// <summary>FC 10: 1..123 registers.</summary>
    public static int WriteMultipleRegisters(Span<byte> pdu, ushort start, ReadOnlySpan<ushort> values)
    {
        CheckQuantity(start, values.Length, ModbusLimits.MaxWriteRegisters, ModbusFunction.WriteMultipleRegisters);
        pdu[0] = (byte)ModbusFunction.WriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], start);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)(values.Length * 2);
        WriteRegisters(pdu[6..], values);
        return 6 + (values.Length * 2);
    }

    /// <summary>FC 17: read 1..125, write 1..121; the device writes before it reads.</summary>
    public static int WriteReadWriteMultiple(Span<byte> pdu, ushort readStart, int readCount, ushort writeStart, ReadOnlySpan<ushort> values)
    {
        CheckQuantity(readStart, readCount, ModbusLimits.MaxReadWriteReadRegisters, ModbusFunction.ReadWriteMultipleRegisters);
        CheckQuantity(writeStart, values.Length, ModbusLimits.MaxReadWriteWriteRegisters, ModbusFunction.ReadWriteMultipleRegisters);
        pdu[0] = (byte)ModbusFunction.ReadWriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], readStart);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)readCount);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[5..], writeStart);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[7..], (ushort)values.Length);
        pdu[9] = (byte)(values.Length * 2);
        WriteRegisters(pdu[10..], values);
        return 10 + (values.Length * 2);
    }

    /// <summary>FC 2B / MEI 0E: read device identification (code 1..4, starting object id).</summary>
    public static int WriteReadDeviceIdentification(Span<byte> pdu, byte readCode, byte objectId)
    {
        if (readCode is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(readCode), readCode, "Read Device Id code must be 1 (basic), 2 (regular), 3 (extended) or 4 (one object).");
        }

        pdu[0] = (byte)ModbusFunction.EncapsulatedInterfaceTransport;
        pdu[1] = ModbusDeviceIdentification.MeiType;
        pdu[2] = readCode;
        pdu[3] = objectId;
        return 4;
    }

    internal static void WriteRegisters(Span<byte> destination, ReadOnlySpan<ushort> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(i * 2)..], values[i]);
        }
    }

    /// <summary>Throws when <paramref name="count"/> is outside 1..<paramref name="max"/> or the range passes 65535.</summary>
    public static void CheckQuantity(ushort start, int count, int max, ModbusFunction function)
    {
        if (count < 1 || count > max)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Function {(byte)function:X2} allows 1..{max} items per request (MB-APP §6); split the request.");
        }

        if (start + count > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Range {start}+{count} passes address 65535; PDU addresses are 0..65535.");
        }
    }
}

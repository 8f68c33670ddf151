using System.Buffers.Binary;
using System.Text;

namespace CityBrain.Drivers.Modbus;

/// <summary>Decodes registers to values and encodes values to registers for every <see cref="PointType"/> and <see cref="WordOrder"/>.</summary>
public static class RegisterCodec
{
    /// <summary>How many table items (registers, or bits in a bit table) a point occupies.</summary>
    public static int ItemCount(PointType type, int stringLength = 0) => type switch
    {
        PointType.Int16 or PointType.UInt16 or PointType.Bit => 1,
        PointType.Int32 or PointType.UInt32 or PointType.Float32 => 2,
        PointType.Int64 or PointType.UInt64 or PointType.Float64 => 4,
        PointType.String => stringLength,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown point type."),
    };

    /// <summary>
    /// Decodes a numeric point from its registers (for a bit-table point, <paramref name="registers"/>[0] is 0 or 1).
    /// UINT64/INT64 beyond 2^53 lose precision in the double.
    /// </summary>
    public static double Decode(ReadOnlySpan<ushort> registers, PointType type, WordOrder order, int bit = 0)
    {
        if (type == PointType.Bit)
        {
            return (registers[0] >> bit) & 1;
        }

        if (type == PointType.String)
        {
            throw new ArgumentException("STRING points decode with DecodeString.", nameof(type));
        }

        int words = ItemCount(type);
        Span<byte> bytes = stackalloc byte[8];
        ToBigEndian(registers[..words], order, bytes);
        return type switch
        {
            PointType.Int16 => BinaryPrimitives.ReadInt16BigEndian(bytes),
            PointType.UInt16 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            PointType.Int32 => BinaryPrimitives.ReadInt32BigEndian(bytes),
            PointType.UInt32 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            PointType.Int64 => BinaryPrimitives.ReadInt64BigEndian(bytes),
            PointType.UInt64 => BinaryPrimitives.ReadUInt64BigEndian(bytes),
            PointType.Float32 => BinaryPrimitives.ReadSingleBigEndian(bytes),
            PointType.Float64 => BinaryPrimitives.ReadDoubleBigEndian(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown point type."),
        };
    }

    /// <summary>Encodes <paramref name="value"/> (rounded for integer types, saturated at the type's range) into registers.</summary>
    public static void Encode(double value, PointType type, WordOrder order, Span<ushort> registers, int bit = 0)
    {
        if (type == PointType.Bit)
        {
            ushort mask = (ushort)(1 << bit);
            registers[0] = value != 0 ? (ushort)(registers[0] | mask) : (ushort)(registers[0] & ~mask);
            return;
        }

        Span<byte> bytes = stackalloc byte[8];
        switch (type)
        {
            case PointType.Int16: BinaryPrimitives.WriteInt16BigEndian(bytes, (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue)); break;
            case PointType.UInt16: BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)Math.Clamp(Math.Round(value), 0, ushort.MaxValue)); break;
            case PointType.Int32: BinaryPrimitives.WriteInt32BigEndian(bytes, (int)Math.Clamp(Math.Round(value), int.MinValue, int.MaxValue)); break;
            case PointType.UInt32: BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Math.Clamp(Math.Round(value), 0, uint.MaxValue)); break;
            case PointType.Int64: BinaryPrimitives.WriteInt64BigEndian(bytes, (long)Math.Clamp(Math.Round(value), long.MinValue, long.MaxValue)); break;
            case PointType.UInt64: BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)Math.Clamp(Math.Round(value), 0, ulong.MaxValue)); break;
            case PointType.Float32: BinaryPrimitives.WriteSingleBigEndian(bytes, (float)value); break;
            case PointType.Float64: BinaryPrimitives.WriteDoubleBigEndian(bytes, value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "Not a numeric type.");
        }

        FromBigEndian(bytes[..(ItemCount(type) * 2)], order, registers);
    }

    /// <summary>Decodes a STRING point: 2 ASCII characters per register, high byte first; NULs and trailing spaces dropped.</summary>
    public static string DecodeString(ReadOnlySpan<ushort> registers)
    {
        Span<byte> bytes = stackalloc byte[registers.Length * 2];
        for (int i = 0; i < registers.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes[(i * 2)..], registers[i]);
        }

        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]).TrimEnd(' ');
    }

    /// <summary>Encodes ASCII text into registers (high byte first), NUL padded.</summary>
    public static void EncodeString(string text, Span<ushort> registers)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> bytes = stackalloc byte[registers.Length * 2];
        bytes.Clear();
        Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, bytes.Length)), bytes);
        for (int i = 0; i < registers.Length; i++)
        {
            registers[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i * 2)..]);
        }
    }

    private static void ToBigEndian(ReadOnlySpan<ushort> registers, WordOrder order, Span<byte> bytes)
    {
        int words = registers.Length;
        bool swapWords = order is WordOrder.CDAB or WordOrder.DCBA;
        bool swapBytes = order is WordOrder.BADC or WordOrder.DCBA;
        for (int i = 0; i < words; i++)
        {
            ushort word = registers[swapWords ? words - 1 - i : i];
            if (swapBytes)
            {
                word = BinaryPrimitives.ReverseEndianness(word);
            }

            BinaryPrimitives.WriteUInt16BigEndian(bytes[(i * 2)..], word);
        }
    }

    private static void FromBigEndian(ReadOnlySpan<byte> bytes, WordOrder order, Span<ushort> registers)
    {
        int words = bytes.Length / 2;
        bool swapWords = order is WordOrder.CDAB or WordOrder.DCBA;
        bool swapBytes = order is WordOrder.BADC or WordOrder.DCBA;
        for (int i = 0; i < words; i++)
        {
            ushort word = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i * 2)..]);
            registers[swapWords ? words - 1 - i : i] = swapBytes ? BinaryPrimitives.ReverseEndianness(word) : word;
        }
    }
}

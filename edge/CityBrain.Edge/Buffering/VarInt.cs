using System.Runtime.CompilerServices;

namespace CityBrain.Edge.Buffering;

/// <summary>LEB128 variable-length integers and zig-zag signed encoding (small magnitudes take one byte).</summary>
internal static class VarInt
{
    public const int MaxBytes = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Span<byte> destination, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[position++] = (byte)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteSigned(Span<byte> destination, ref int position, long value) =>
        Write(destination, ref position, (ulong)((value << 1) ^ (value >> 63)));

    public static long ZigZagDecode(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}

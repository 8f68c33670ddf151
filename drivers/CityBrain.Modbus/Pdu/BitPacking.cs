namespace CityBrain.Modbus;

/// <summary>Packs and unpacks coil/discrete bits: first item = LSB of the first byte (MB-APP §6.1).</summary>
public static class BitPacking
{
    public static int ByteCount(int bits) => (bits + 7) / 8;

    public static void Pack(ReadOnlySpan<bool> bits, Span<byte> destination)
    {
        destination[..ByteCount(bits.Length)].Clear();
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                destination[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    public static void Unpack(ReadOnlySpan<byte> packed, Span<bool> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (packed[i >> 3] & (1 << (i & 7))) != 0;
        }
    }
}

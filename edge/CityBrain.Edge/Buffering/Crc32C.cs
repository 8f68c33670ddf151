using System.Buffers.Binary;
using System.Numerics;

namespace CityBrain.Edge.Buffering;

/// <summary>CRC-32C (Castagnoli) over the BCL's hardware-accelerated step (SSE4.2 / ARMv8 CRC32 instructions).</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// How a multi-byte value's big-endian bytes A B C D (A = MSB) lie in registers (protocols.md §1.7). For 64-bit
/// values the same rule spans 4 words: CDAB reverses the words (GH EF CD AB), BADC swaps bytes in each word,
/// DCBA does both. For 16-bit values only the byte swap (BADC, DCBA) applies.
/// </summary>
public enum WordOrder
{
    /// <summary>Big-endian, high word first (most common).</summary>
    ABCD = 0,

    /// <summary>Word-swapped ("little-endian word order"): many PLCs and energy meters.</summary>
    CDAB = 1,

    /// <summary>Byte-swapped within each word.</summary>
    BADC = 2,

    /// <summary>Fully little-endian.</summary>
    DCBA = 3,
}

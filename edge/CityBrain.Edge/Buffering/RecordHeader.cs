using System.Buffers.Binary;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// The fixed 40-byte header in front of every segment record (little-endian):
/// <code>
///  0 u32 magic "CBR1"   4 u8 kind  5 u8 version (1)  6 u16 reserved (0)
///  8 u32 payload length 12 u32 count (readings)
/// 16 i64 seq            24 i64 value (append Unix ms | ack end | 0)
/// 32 u32 CRC-32C of the payload   36 u32 CRC-32C of bytes 0..36
/// </code>
/// The header has its own checksum so that a record whose payload was torn or damaged still says which sequence
/// numbers were lost, and so that recovery can resynchronise on the next valid header after garbage.
/// </summary>
internal readonly record struct RecordHeader(RecordKind Kind, int PayloadLength, int Count, long Seq, long Value, uint PayloadCrc)
{
    public const int Size = 40;
    public const uint Magic = 0x31524243; // "CBR1" little-endian
    public const byte Version = 1;
    public const int MaxPayload = 64 * 1024 * 1024;

    public long End => Seq + Count;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = (byte)Kind;
        destination[5] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], PayloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Seq);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], Value);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], PayloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], Crc32C.Compute(destination[..36]));
    }

    /// <summary>Parses a header; false when the magic, version, checksum or a field is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out RecordHeader header)
    {
        header = default;
        if (source.Length < Size
            || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic
            || source[5] != Version
            || BinaryPrimitives.ReadUInt32LittleEndian(source[36..]) != Crc32C.Compute(source[..36]))
        {
            return false;
        }

        var kind = (RecordKind)source[4];
        int length = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        if (kind is < RecordKind.Readings or > RecordKind.Trim || length is < 0 or > MaxPayload || count < 0)
        {
            return false;
        }

        header = new RecordHeader(
            kind,
            length,
            count,
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[32..]));
        return true;
    }
}

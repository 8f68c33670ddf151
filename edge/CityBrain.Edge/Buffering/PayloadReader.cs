using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace CityBrain.Edge.Buffering;

/// <summary>A bounds-checked cursor over a record payload; a malformed payload throws <see cref="InvalidDataException"/>.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _position;

    public readonly bool AtEnd => _position == _payload.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        if (_position >= _payload.Length)
        {
            throw Truncated();
        }

        return _payload[_position++];
    }

    public ulong ReadVarUInt()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException($"Varint longer than 10 bytes at payload offset {_position}.");
    }

    public int ReadCount(int max)
    {
        ulong value = ReadVarUInt();
        if (value > (ulong)max)
        {
            throw new InvalidDataException($"Count {value} at payload offset {_position} exceeds {max}.");
        }

        return (int)value;
    }

    public long ReadSignedVarInt() => VarInt.ZigZagDecode(ReadVarUInt());

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length > _payload.Length - _position)
        {
            throw Truncated();
        }

        ReadOnlySpan<byte> slice = _payload.Slice(_position, length);
        _position += length;
        return slice;
    }

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4));

    private readonly InvalidDataException Truncated() =>
        new($"Record payload of {_payload.Length} bytes ends early at offset {_position}.");
}

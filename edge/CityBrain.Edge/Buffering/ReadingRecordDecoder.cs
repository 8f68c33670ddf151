using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>Decodes a readings record written by <see cref="ReadingRecordEncoder"/>. Not thread-safe.</summary>
internal sealed class ReadingRecordDecoder
{
    private readonly StringInterner _interner = new();
    private string[] _strings = new string[64];
    private (string Sensor, string Quantity, string Unit)[] _series = new (string, string, string)[64];

    /// <summary>Decodes <paramref name="count"/> readings into <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is malformed.</exception>
    public void Decode(ReadOnlySpan<byte> payload, int count, Span<Reading> destination)
    {
        var reader = new PayloadReader(payload);
        int stringCount = reader.ReadCount(payload.Length);
        EnsureCapacity(ref _strings, stringCount);
        for (int i = 0; i < stringCount; i++)
        {
            _strings[i] = _interner.Intern(reader.ReadBytes(reader.ReadCount(payload.Length)));
        }

        int seriesCount = reader.ReadCount(payload.Length);
        EnsureCapacity(ref _series, seriesCount);
        for (int i = 0; i < seriesCount; i++)
        {
            _series[i] = (String(ref reader, stringCount), String(ref reader, stringCount), String(ref reader, stringCount));
        }

        long ts = reader.ReadInt64();
        for (int i = 0; i < count; i++)
        {
            (string sensor, string quantity, string unit) = _series[reader.ReadCount(seriesCount - 1)];
            byte flags = reader.ReadByte();
            var quality = (Quality)(flags & 3);
            if (quality > Quality.Bad)
            {
                throw new InvalidDataException($"Reading {i} has quality bits {flags & 3}.");
            }

            double value = ((flags >> 2) & 3) switch
            {
                0 => reader.ReadDouble(),
                1 => reader.ReadSingle(),
                2 => reader.ReadSignedVarInt(),
                _ => Scaled(reader.ReadSignedVarInt(), (flags >> 4) & 3, i),
            };
            ts += reader.ReadSignedVarInt();
            destination[i] = new Reading(sensor, quantity, value, unit, DateTimeOffset.FromUnixTimeMilliseconds(ts), quality);
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException($"Record payload has trailing bytes after {count} readings.");
        }
    }

    private static double Scaled(long mantissa, int scale, int index) => scale == 0
        ? throw new InvalidDataException($"Reading {index} has a decimal value with scale 0.")
        : mantissa / ReadingRecordEncoder.DecimalPowers[scale];

    private string String(ref PayloadReader reader, int stringCount) => _strings[reader.ReadCount(stringCount - 1)];

    private static void EnsureCapacity<T>(ref T[] array, int size)
    {
        if (array.Length < size)
        {
            array = new T[Math.Max(size, array.Length * 2)];
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>
/// Encodes a run of readings (the appends of one group commit) as a segment record. Payload layout:
/// <code>
/// varint n_strings, n × (varint utf8_len, utf8)          distinct sensor/quantity/unit names in this record
/// varint n_series,  n × (varint sensor, quantity, unit)    indexes into the strings
/// i64    base timestamp (Unix ms)
/// count × (varint series, u8 flags, value, zigzag varint timestamp delta from the previous reading)
///   flags: bits 0-1 quality; bits 2-3 value kind: 0 = f64 (8 B), 1 = f32 (4 B, exact), 2 = zig-zag varint integer,
///          3 = decimal: zig-zag varint mantissa m with bits 4-5 = scale k (1..3), value = m / 10^k (exact round trip)
/// </code>
/// Sequence numbers are implied (header seq + index); timestamps are stored in milliseconds (the contract precision)
/// and come back as UTC. Not thread-safe: the buffer's writer loop owns one and reuses its dictionaries.
/// </summary>
internal sealed class ReadingRecordEncoder
{
    private const double MaxExactInteger = 9007199254740992d; // 2^53

    /// <summary>10^k for the decimal value kind; the decoder divides by the same doubles.</summary>
    internal static readonly double[] DecimalPowers = [1d, 10d, 100d, 1000d];

    private readonly Dictionary<(string Sensor, string Quantity, string Unit), int> _seriesIndex = new(SeriesKeyComparer.Instance);
    private readonly List<(int Sensor, int Quantity, int Unit)> _series = [];
    private readonly Dictionary<string, int> _stringIndex = new(StringComparer.Ordinal);
    private readonly List<string> _strings = [];
    private int[] _readingSeries = new int[256];

    /// <summary>Appends header and payload to <paramref name="output"/>; returns the record's total length.</summary>
    public int Encode(ReadOnlySpan<Reading> readings, long firstSeq, long appendMs, ArrayBufferWriter<byte> output)
    {
        int count = readings.Length;
        if (_readingSeries.Length < count)
        {
            _readingSeries = new int[Math.Max(count, _readingSeries.Length * 2)];
        }

        int bound = RecordHeader.Size + (2 * VarInt.MaxBytes) + 8 + (count * (VarInt.MaxBytes + 1 + 8 + VarInt.MaxBytes));
        for (int i = 0; i < count; i++)
        {
            Reading reading = readings[i];
            (string, string, string) key = (reading.Sensor, reading.Quantity, reading.Unit);
            if (!_seriesIndex.TryGetValue(key, out int series))
            {
                series = _series.Count;
                _seriesIndex.Add(key, series);
                _series.Add((StringId(reading.Sensor, ref bound), StringId(reading.Quantity, ref bound), StringId(reading.Unit, ref bound)));
                bound += 3 * VarInt.MaxBytes;
            }

            _readingSeries[i] = series;
        }

        Span<byte> span = output.GetSpan(bound);
        int pos = RecordHeader.Size;
        WriteTables(span, ref pos);
        long previousTs = count == 0 ? 0 : readings[0].TimestampMs;
        BinaryPrimitives.WriteInt64LittleEndian(span[pos..], previousTs);
        pos += 8;
        for (int i = 0; i < count; i++)
        {
            Reading reading = readings[i];
            VarInt.Write(span, ref pos, (ulong)_readingSeries[i]);
            WriteValue(span, ref pos, reading.Value, reading.Quality);
            long ts = reading.TimestampMs;
            VarInt.WriteSigned(span, ref pos, ts - previousTs);
            previousTs = ts;
        }

        var header = new RecordHeader(
            RecordKind.Readings, pos - RecordHeader.Size, count, firstSeq, appendMs, Crc32C.Compute(span[RecordHeader.Size..pos]));
        header.Write(span);
        output.Advance(pos);
        Reset();
        return pos;
    }

    /// <summary>Appends a payload-less record (ack, trim); returns its length.</summary>
    public static int EncodeMarker(RecordKind kind, long seq, long value, ArrayBufferWriter<byte> output)
    {
        Span<byte> span = output.GetSpan(RecordHeader.Size);
        new RecordHeader(kind, 0, 0, seq, value, Crc32C.Compute([])).Write(span);
        output.Advance(RecordHeader.Size);
        return RecordHeader.Size;
    }

    private static void WriteValue(Span<byte> span, ref int pos, double value, Quality quality)
    {
        int q = (int)quality & 3;
        if (value == Math.Floor(value) && Math.Abs(value) < MaxExactInteger && !(value == 0 && double.IsNegative(value)))
        {
            span[pos++] = (byte)(q | (2 << 2));
            VarInt.WriteSigned(span, ref pos, (long)value);
        }
        else if (TryScaled(value, out long mantissa, out int scale))
        {
            span[pos++] = (byte)(q | (3 << 2) | (scale << 4));
            VarInt.WriteSigned(span, ref pos, mantissa);
        }
        else if ((double)(float)value == value)
        {
            span[pos++] = (byte)(q | (1 << 2));
            BinaryPrimitives.WriteSingleLittleEndian(span[pos..], (float)value);
            pos += 4;
        }
        else
        {
            span[pos++] = (byte)q;
            BinaryPrimitives.WriteDoubleLittleEndian(span[pos..], value);
            pos += 8;
        }
    }

    /// <summary>
    /// Sensor values are mostly short decimals (21.4, 0.35): find the smallest scale whose integer mantissa divides
    /// back to exactly the same double.
    /// </summary>
    private static bool TryScaled(double value, out long mantissa, out int scale)
    {
        if (value != 0 && Math.Abs(value) < 1e12)
        {
            for (scale = 1; scale <= 3; scale++)
            {
                double power = DecimalPowers[scale];
                mantissa = (long)Math.Round(value * power);
                if (mantissa / power == value)
                {
                    return true;
                }
            }
        }

        mantissa = 0;
        scale = 0;
        return false;
    }

    private int StringId(string value, ref int bound)
    {
        if (!_stringIndex.TryGetValue(value, out int id))
        {
            id = _strings.Count;
            _stringIndex.Add(value, id);
            _strings.Add(value);
            bound += VarInt.MaxBytes + Encoding.UTF8.GetMaxByteCount(value.Length);
        }

        return id;
    }

    private void WriteTables(Span<byte> span, ref int pos)
    {
        VarInt.Write(span, ref pos, (ulong)_strings.Count);
        foreach (string s in _strings)
        {
            int length = Encoding.UTF8.GetBytes(s, span[(pos + 5)..]);
            int lengthPos = pos;
            VarInt.Write(span, ref lengthPos, (ulong)length);
            if (lengthPos != pos + 5)
            {
                span.Slice(pos + 5, length).CopyTo(span[lengthPos..]);
            }

            pos = lengthPos + length;
        }

        VarInt.Write(span, ref pos, (ulong)_series.Count);
        foreach ((int sensor, int quantity, int unit) in _series)
        {
            VarInt.Write(span, ref pos, (ulong)sensor);
            VarInt.Write(span, ref pos, (ulong)quantity);
            VarInt.Write(span, ref pos, (ulong)unit);
        }
    }

    private void Reset()
    {
        _seriesIndex.Clear();
        _series.Clear();
        _stringIndex.Clear();
        _strings.Clear();
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// A batch of InfluxDB line-protocol lines written straight into one pooled UTF-8 buffer (no per-point objects),
/// remembering where each line starts and which source message it came from, so a range of lines can be sent
/// as one request and a rejected line traced back to its message. Tags must be appended in key order.
/// </summary>
public sealed class LineBatch : IDisposable
{
    private static readonly SearchValues<char> MeasurementSpecials = SearchValues.Create(", \n\r\\");
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(",= \n\r\\");

    private readonly ArrayPool<byte> _pool;
    private byte[] _buffer;
    private int _length;
    private int[] _lineStarts = new int[1024];
    private int[] _origins = new int[1024];
    private int _count;
    private int _lineStart;
    private bool _inLine;
    private bool _firstField;

    /// <param name="pool">Where the buffer comes from and goes back to: the pipeline's <see cref="LineBufferPool"/>
    /// (bounded to the batches in flight), <see cref="ArrayPool{T}.Shared"/> when null.</param>
    public LineBatch(int initialBytes = 64 * 1024, ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        _buffer = _pool.Rent(initialBytes);
    }

    /// <summary>Complete lines in the batch.</summary>
    public int Count => _count;

    public int ByteCount => _length;

    /// <summary>The bytes of lines [<paramref name="from"/>, <paramref name="to"/>), each ending with '\n'.</summary>
    public ReadOnlyMemory<byte> Content(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, _count);
        int start = _lineStarts[from];
        int end = to == _count ? _length : _lineStarts[to];
        return _buffer.AsMemory(start, end - start);
    }

    /// <summary>One line without its trailing newline.</summary>
    public string LineText(int index)
    {
        var bytes = Content(index, index + 1).Span;
        return Encoding.UTF8.GetString(bytes[..^1]);
    }

    /// <summary>The index of the source message the line belongs to.</summary>
    public int OriginOf(int index) => _origins[index];

    /// <summary>Starts a line: the measurement name (commas and spaces escaped).</summary>
    public LineBatch BeginLine(string measurement, int origin)
    {
        if (string.IsNullOrEmpty(measurement))
        {
            throw new LineProtocolException("measurement name is empty");
        }

        StartLine(origin);
        WriteEscaped(measurement, MeasurementSpecials, "measurement");
        return this;
    }

    /// <summary>Starts a line with a measurement already escaped by <see cref="EscapeMeasurement"/>.</summary>
    public LineBatch BeginLine(ReadOnlySpan<byte> escapedMeasurement, int origin)
    {
        StartLine(origin);
        Raw(escapedMeasurement);
        return this;
    }

    /// <summary>Appends a complete line ('\n'-terminated) copied from another batch (<see cref="DomainFilter"/>).</summary>
    public void AppendLine(ReadOnlySpan<byte> line, int origin)
    {
        StartLine(origin);
        Raw(line);
        _lineStarts[_count++] = _lineStart;
        _inLine = false;
    }

    /// <summary>Appends bytes already escaped (e.g. a tag set from <see cref="EscapeTag"/> made once for many lines).</summary>
    public LineBatch Raw(ReadOnlySpan<byte> escaped)
    {
        Ensure(escaped.Length);
        escaped.CopyTo(_buffer.AsSpan(_length));
        _length += escaped.Length;
        return this;
    }

    /// <summary>The escaped UTF-8 bytes of a measurement name, to be reused with <see cref="BeginLine(ReadOnlySpan{byte}, int)"/>.</summary>
    public static byte[] EscapeMeasurement(string measurement)
    {
        using var scratch = new LineBatch(256);
        scratch.BeginLine(measurement, 0);
        return scratch._buffer.AsSpan(0, scratch._length).ToArray();
    }

    /// <summary>The escaped UTF-8 bytes of <c>,key=value</c> (empty for an empty value), to be reused with <see cref="Raw"/>.</summary>
    public static byte[] EscapeTag(string key, string value)
    {
        using var scratch = new LineBatch(256);
        scratch.Tag(key, value);
        return scratch._buffer.AsSpan(0, scratch._length).ToArray();
    }

    /// <summary>Appends a tag (key and value escaped); callers append tags sorted by key. Empty values are omitted.</summary>
    public LineBatch Tag(string key, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        WriteByte((byte)',');
        WriteEscaped(key, KeySpecials, "tag key");
        WriteByte((byte)'=');
        WriteEscaped(value, KeySpecials, "tag value");
        return this;
    }

    /// <summary>
    /// Appends a tag whose <c>,key=</c> is given already escaped (e.g. <c>",sensor="u8</c>) and whose value is escaped
    /// here: for values too many to cache (a sensor id per reading), written as fast as looked up.
    /// </summary>
    public LineBatch Tag(ReadOnlySpan<byte> escapedCommaKeyEquals, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        Raw(escapedCommaKeyEquals);
        WriteEscaped(value, KeySpecials, "tag value");
        return this;
    }

    /// <summary>A float field, formatted to round-trip.</summary>
    public LineBatch Field(string key, double value)
    {
        CheckFinite(key, value);
        BeginField(key);
        return WriteDouble(value);
    }

    /// <summary>An integer field (suffix <c>i</c>).</summary>
    public LineBatch Field(string key, long value)
    {
        BeginField(key);
        return WriteLong(value);
    }

    /// <summary>A float field whose key needs no escaping (a literal such as <c>"value"u8</c>).</summary>
    public LineBatch Field(ReadOnlySpan<byte> key, double value)
    {
        if (!double.IsFinite(value))
        {
            CheckFinite(Encoding.UTF8.GetString(key), value);
        }

        BeginField(key);
        return WriteDouble(value);
    }

    /// <summary>An integer field whose key needs no escaping.</summary>
    public LineBatch Field(ReadOnlySpan<byte> key, long value)
    {
        BeginField(key);
        return WriteLong(value);
    }

    /// <summary>Ends the line with its timestamp (in the precision the request declares).</summary>
    public void EndLine(long timestamp)
    {
        if (_firstField)
        {
            throw new LineProtocolException("a line needs at least one field");
        }

        WriteByte((byte)' ');
        Ensure(24);
        timestamp.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
        WriteByte((byte)'\n');
        _lineStarts[_count++] = _lineStart;
        _inLine = false;
    }

    /// <summary>Drops a line that failed half-way (e.g. a newline in a value), keeping the batch valid.</summary>
    public void AbandonLine()
    {
        if (_inLine)
        {
            _length = _lineStart;
            _inLine = false;
        }
    }

    public void Clear()
    {
        _length = 0;
        _count = 0;
        _inLine = false;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            _pool.Return(buffer);
        }
    }

    private static void CheckFinite(string key, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new LineProtocolException($"field '{key}' is {value}; line protocol has no NaN or infinity");
        }
    }

    private LineBatch WriteDouble(double value)
    {
        Ensure(32);
        if (ShortDecimal.TryFormat(value, _buffer.AsSpan(_length), out int shortWritten))
        {
            _length += shortWritten;
            return this;
        }

        if (!value.TryFormat(_buffer.AsSpan(_length), out int written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("float did not fit");
        }

        _length += written;
        return this;
    }

    private LineBatch WriteLong(long value)
    {
        Ensure(24);
        value.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
        WriteByte((byte)'i');
        return this;
    }

    private void StartLine(int origin)
    {
        if (_inLine)
        {
            throw new InvalidOperationException("the previous line was not ended");
        }

        _lineStart = _length;
        _inLine = true;
        _firstField = true;
        if (_count == _lineStarts.Length)
        {
            Array.Resize(ref _lineStarts, _count * 2);
            Array.Resize(ref _origins, _count * 2);
        }

        _origins[_count] = origin;
    }

    private void BeginField(ReadOnlySpan<byte> key)
    {
        Ensure(key.Length + 2);
        _buffer[_length++] = _firstField ? (byte)' ' : (byte)',';
        _firstField = false;
        key.CopyTo(_buffer.AsSpan(_length));
        _length += key.Length;
        _buffer[_length++] = (byte)'=';
    }

    private void BeginField(string key)
    {
        WriteByte(_firstField ? (byte)' ' : (byte)',');
        _firstField = false;
        WriteEscaped(key, KeySpecials, "field key");
        WriteByte((byte)'=');
    }

    private void WriteEscaped(string text, SearchValues<char> specials, string what)
    {
        var span = text.AsSpan();
        while (true)
        {
            int i = span.IndexOfAny(specials);
            int run = i < 0 ? span.Length : i;
            if (run > 0)
            {
                Ensure(Encoding.UTF8.GetMaxByteCount(run));
                _length += Encoding.UTF8.GetBytes(span[..run], _buffer.AsSpan(_length));
            }

            if (i < 0)
            {
                return;
            }

            char c = span[i];
            if (c is '\n' or '\r')
            {
                throw new LineProtocolException($"{what} '{text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)}' contains a line break, which line protocol cannot carry");
            }

            WriteByte((byte)'\\');
            WriteByte((byte)c);
            span = span[(i + 1)..];
        }
    }

    private void WriteByte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        // By half, not double: the grown buffer is kept for the next batches (LineBufferPool), so what a doubling overshoots
        // stays committed.
        var bigger = _pool.Rent((int)Math.Min(Array.MaxLength, Math.Max(_buffer.Length + ((long)_buffer.Length / 2), (long)_length + extra)));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        _pool.Return(_buffer);
        _buffer = bigger;
    }
}

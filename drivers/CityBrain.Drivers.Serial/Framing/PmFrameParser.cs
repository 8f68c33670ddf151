namespace CityBrain.Drivers.Serial;

/// <summary>
/// Finds fixed-length frames in a byte stream that may start mid-frame, lose bytes, or carry garbage between frames:
/// bytes are kept only while they can still be the start of a frame; a complete candidate that fails its checks
/// (checksum, tail, length field) is counted as bad and the search resumes one byte after its start, so a real header
/// inside a damaged frame is not lost. Not thread-safe: one reader feeds it.
/// </summary>
public abstract class PmFrameParser
{
    private readonly byte[] _buffer;
    private int _count;

    protected PmFrameParser(int frameLength, byte[] header)
    {
        FrameLength = frameLength;
        Header = header;
        _buffer = new byte[frameLength];
    }

    public int FrameLength { get; }

    /// <summary>The bytes every frame starts with.</summary>
    protected byte[] Header { get; }

    /// <summary>Frames that passed every check.</summary>
    public long GoodFrames { get; private set; }

    /// <summary>Complete candidates that started with the header and failed a check (checksum, tail, length).</summary>
    public long BadFrames { get; private set; }

    /// <summary>Bytes thrown away because no frame could start with them (garbage, the rest of a frame whose start was lost).</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>Parses <paramref name="data"/>; every complete good frame is added to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, ICollection<PmSample> output)
    {
        foreach (byte b in data)
        {
            _buffer[_count++] = b;
            Settle(output);
        }
    }

    private void Settle(ICollection<PmSample> output)
    {
        while (_count > 0)
        {
            int prefix = Math.Min(_count, Header.Length);
            if (!_buffer.AsSpan(0, prefix).SequenceEqual(Header.AsSpan(0, prefix)))
            {
                SkippedBytes++;
                Drop(1);
                continue;
            }

            if (_count < FrameLength)
            {
                return;
            }

            if (TryDecode(_buffer, out var sample))
            {
                GoodFrames++;
                output.Add(sample);
                _count = 0;
                return;
            }

            BadFrames++;
            Drop(1);
        }
    }

    private void Drop(int n)
    {
        _buffer.AsSpan(n, _count - n).CopyTo(_buffer);
        _count -= n;
    }

    /// <summary>Checks and decodes one complete frame that starts with the header.</summary>
    protected abstract bool TryDecode(ReadOnlySpan<byte> frame, out PmSample sample);
}

using System.Buffers.Text;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// One node's telemetry message encoded once by <see cref="TelemetryCodec"/>, with the byte offsets of every
/// reading's <c>seq</c> and <c>ts</c> and of <c>sent</c>. Sequence numbers start at 10^12 and timestamps are Unix
/// milliseconds, both 13 digits, so each rendering patches digits in place and stays a valid, distinct contract message.
/// </summary>
public sealed class PayloadTemplate
{
    private const long SeqBase = 1_000_000_000_000;
    private const int Digits = 13;

    private readonly byte[] _bytes;
    private readonly int[] _seqOffsets;
    private readonly int[] _tsOffsets;

    private PayloadTemplate(byte[] bytes, int[] seqOffsets, int[] tsOffsets)
    {
        _bytes = bytes;
        _seqOffsets = seqOffsets;
        _tsOffsets = tsOffsets;
    }

    public static PayloadTemplate Create(string node, string quantity, IReadOnlyList<string> sensors)
    {
        var now = DateTimeOffset.UtcNow;
        var readings = sensors.Select((s, i) => new SequencedReading(SeqBase + i, new Reading(s, quantity, i + 0.25, "ug/m3", now))).ToArray();
        byte[] bytes = TelemetryCodec.Serialize(new TelemetryMessage(node, now, readings));
        return new PayloadTemplate(bytes, Offsets(bytes, "\"seq\":"u8, sensors.Count), [.. Offsets(bytes, "\"sent\":"u8, 1), .. Offsets(bytes, "\"ts\":"u8, sensors.Count)]);
    }

    /// <summary>The payload's length in bytes (the same for every rendering).</summary>
    public int Length => _bytes.Length;

    /// <summary>
    /// Renders a payload into <paramref name="destination"/> (at least <see cref="Length"/> bytes): readings numbered
    /// from <paramref name="firstSeq"/>, every timestamp <paramref name="nowMs"/>.
    /// </summary>
    public void RenderInto(Span<byte> destination, long firstSeq, long nowMs)
    {
        _bytes.CopyTo(destination);
        for (int i = 0; i < _seqOffsets.Length; i++)
        {
            Patch(destination, _seqOffsets[i], SeqBase + firstSeq + i);
        }

        foreach (int offset in _tsOffsets)
        {
            Patch(destination, offset, nowMs);
        }
    }

    private static void Patch(Span<byte> payload, int offset, long value)
    {
        if (!Utf8Formatter.TryFormat(value, payload.Slice(offset, Digits), out int written) || written != Digits)
        {
            throw new InvalidOperationException($"{value} does not have {Digits} digits");
        }
    }

    private static int[] Offsets(byte[] bytes, ReadOnlySpan<byte> key, int expected)
    {
        var offsets = new List<int>(expected);
        int from = 0;
        int at;
        while ((at = bytes.AsSpan(from).IndexOf(key)) >= 0)
        {
            int offset = from + at + key.Length;
            if (bytes.AsSpan(offset, Digits).IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                throw new InvalidOperationException($"the template's {System.Text.Encoding.UTF8.GetString(key)} is not {Digits} digits");
            }

            offsets.Add(offset);
            from = offset + Digits;
        }

        return offsets.Count == expected ? [.. offsets] : throw new InvalidOperationException($"expected {expected} {System.Text.Encoding.UTF8.GetString(key)} in the template, found {offsets.Count}");
    }
}

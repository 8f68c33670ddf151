using System.Buffers.Text;
using CityBrain.Sensing;
using CityBrain.Sensing.Catalogue;
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

    public static PayloadTemplate Create(string node, string quantity, IReadOnlyList<string> sensors) =>
        Build(node, sensors.Select((s, i) => (s, quantity, i + 0.25, "ug/m3")).ToList());

    /// <summary>
    /// Readings of catalogued quantities in the catalogue's units (<see cref="CataloguedMix"/>, one per sensor in turn),
    /// each value inside its quantity's physical range: what real nodes send, so the hub's catalogue check finds every
    /// quantity and per-domain sinks each get their domain's share of the lines.
    /// </summary>
    public static PayloadTemplate CreateCatalogued(string node, IReadOnlyList<string> sensors) =>
        Build(node, sensors.Select((s, i) =>
        {
            var q = CataloguedMix[i % CataloguedMix.Count];
            return (s, q.Name, Math.Clamp(i + 0.25, q.Min, q.Max), q.Unit);
        }).ToList());

    /// <summary>The shipped catalogue's measured quantities (no on/off states), taken one domain at a time in turn.</summary>
    public static IReadOnlyList<CatalogueQuantity> CataloguedMix { get; } = Interleave(QuantityCatalogue.Default.Entries.Where(q => !q.IsState));

    private static List<CatalogueQuantity> Interleave(IEnumerable<CatalogueQuantity> entries)
    {
        var byDomain = entries.GroupBy(q => q.Domain, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var mix = new List<CatalogueQuantity>();
        for (int k = 0; mix.Count < byDomain.Sum(g => g.Count); k++)
        {
            mix.AddRange(byDomain.Where(g => k < g.Count).Select(g => g[k]));
        }

        return mix;
    }

    private static PayloadTemplate Build(string node, List<(string Sensor, string Quantity, double Value, string Unit)> values)
    {
        var now = DateTimeOffset.UtcNow;
        var readings = values.Select((v, i) => new SequencedReading(SeqBase + i, new Reading(v.Sensor, v.Quantity, v.Value, v.Unit, now))).ToArray();
        byte[] bytes = TelemetryCodec.Serialize(new TelemetryMessage(node, now, readings));
        return new PayloadTemplate(bytes, Offsets(bytes, "\"seq\":"u8, values.Count), [.. Offsets(bytes, "\"sent\":"u8, 1), .. Offsets(bytes, "\"ts\":"u8, values.Count)]);
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

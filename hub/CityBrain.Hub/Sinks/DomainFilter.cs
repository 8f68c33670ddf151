using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using CityBrain.Sensing.Catalogue;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Selects the lines of a batch whose measurement (the reading's quantity) belongs to one of a sink's catalogue
/// domains (<see cref="Configuration.SinkOptions.Domains"/>): a department's own database holds only its domains, and
/// its InfluxDB user is granted read on that database alone (docs/grid-registry.md). A quantity the catalogue does not
/// know belongs to no domain. Thread-safe (the sink's writers share it).
/// </summary>
public sealed class DomainFilter
{
    private readonly HashSet<string> _domains;
    private readonly QuantityCatalogue _catalogue;
    private readonly ConcurrentDictionary<string, bool> _byMeasurement = new(StringComparer.Ordinal);

    public DomainFilter(IEnumerable<string> domains, QuantityCatalogue? catalogue = null)
    {
        _domains = domains.ToHashSet(StringComparer.Ordinal);
        _catalogue = catalogue ?? QuantityCatalogue.Default;
    }

    public IReadOnlyCollection<string> Domains => _domains;

    /// <summary>Whether a quantity (a catalogued name, or one with a derived suffix) is in the filter's domains.</summary>
    public bool Includes(string quantity) => _byMeasurement.GetOrAdd(
        quantity,
        static (q, self) => self._catalogue.Check(q, string.Empty).Entry is { } entry && self._domains.Contains(entry.Domain),
        this);

    /// <summary>
    /// Copies the lines of <paramref name="batch"/> in the filter's domains into <paramref name="selected"/>;
    /// <paramref name="indices"/>[i] is the index in <paramref name="batch"/> of the i-th selected line.
    /// </summary>
    public void Select(LineBatch batch, LineBatch selected, List<int> indices)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(indices);
        for (int i = 0; i < batch.Count; i++)
        {
            var line = batch.Content(i, i + 1).Span;
            if (LineIncluded(line))
            {
                selected.AppendLine(line, batch.OriginOf(i));
                indices.Add(i);
            }
        }
    }

    /// <summary>Whether the measurement of a line (up to the first unescaped ',' or ' ') is in the filter's domains; no allocation once it was seen.</summary>
    private bool LineIncluded(ReadOnlySpan<byte> line)
    {
        int end = 0;
        while (end < line.Length && line[end] is not ((byte)',' or (byte)' '))
        {
            end += line[end] == (byte)'\\' ? 2 : 1;
        }

        var name = line[..Math.Min(end, line.Length)];
        Span<char> chars = stackalloc char[128];
        if (name.Length <= chars.Length && Ascii.ToUtf16(name, chars, out int written) == OperationStatus.Done
            && _byMeasurement.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..written], out bool known))
        {
            return known;
        }

        return Includes(Encoding.UTF8.GetString(name));
    }
}

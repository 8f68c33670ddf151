using System.Collections.Concurrent;
using CityBrain.Sensing.Catalogue;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// Selects the points of a batch whose quantity belongs to one of a sink's catalogue
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
}

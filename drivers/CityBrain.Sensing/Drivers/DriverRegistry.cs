namespace CityBrain.Sensing.Drivers;

/// <summary>
/// The drivers a node build has, by name, and the bus kinds they bring. Composition is a loop over this registry:
/// adding a driver is its project plus one <see cref="Add"/>.
/// </summary>
public sealed class DriverRegistry
{
    private readonly Dictionary<string, ISensorDriverDefinition> _drivers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IBusKindDefinition> _busKinds = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="definition"/> and its bus kinds; a name used twice is a programming error.</summary>
    public DriverRegistry Add(ISensorDriverDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!_drivers.TryAdd(definition.Name, definition))
        {
            throw new InvalidOperationException($"driver '{definition.Name}' is registered twice");
        }

        foreach (var kind in definition.BusKinds)
        {
            if (!_busKinds.TryAdd(kind.Kind, kind))
            {
                throw new InvalidOperationException($"bus kind '{kind.Kind}' is registered twice (by driver '{definition.Name}')");
            }
        }

        return this;
    }

    /// <summary>Registered drivers in registration order.</summary>
    public IReadOnlyList<ISensorDriverDefinition> Drivers => [.. _drivers.Values];

    /// <summary>Registered bus kinds in registration order.</summary>
    public IReadOnlyList<IBusKindDefinition> BusKinds => [.. _busKinds.Values];

    public bool TryGetDriver(string name, out ISensorDriverDefinition definition) => _drivers.TryGetValue(name, out definition!);

    public bool TryGetBusKind(string kind, out IBusKindDefinition definition) => _busKinds.TryGetValue(kind, out definition!);
}

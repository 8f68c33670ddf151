using CityBrain.Hub.Configuration;
using CityBrain.Provisioning.Registry;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Registry;

/// <summary>
/// The grid registry the hub was started with (<see cref="HubOptions.RegistryPath"/>), or none. Loaded once; the
/// options validator has already refused a bad file at start (<see cref="HubOptionsValidator"/>), so this only reads
/// a checked file.
/// </summary>
public sealed class HubGridRegistry
{
    public HubGridRegistry(IOptions<HubOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? path = options.Value.RegistryPath;
        Registry = string.IsNullOrWhiteSpace(path) ? null : GridRegistryLoader.Parse(File.ReadAllText(path), path);
    }

    public HubGridRegistry(GridRegistry? registry) => Registry = registry;

    /// <summary>Null when the hub runs without a registry (every claimed location is accepted, no street/community tags).</summary>
    public GridRegistry? Registry { get; }
}

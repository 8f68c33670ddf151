using CityBrain.Sensing.Drivers;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>
/// A configuration that passed every check, where it came from, and what deserves a warning; with each sensor's and
/// each bus's typed options as their driver read them (<see cref="Sensors"/> in configuration order).
/// </summary>
public sealed record LoadedNodeConfiguration(NodeConfiguration Configuration, string Source, IReadOnlyList<string> Warnings)
{
    public IReadOnlyList<ConfiguredSensor> Sensors { get; init; } = [];

    public IReadOnlyDictionary<string, ConfiguredBus> Buses { get; init; } = new Dictionary<string, ConfiguredBus>(StringComparer.Ordinal);

    /// <summary>The folder relative paths in the configuration resolve against.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();
}

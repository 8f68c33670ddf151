using CityBrain.Edge.Provisioning;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Edge.Hosting;

/// <summary>Where the node configuration is: <c>--config PATH</c>, env <c>CITYBRAIN_EDGE_CONFIG</c>, or the default.</summary>
public sealed record EdgeHostOptions
{
    public const string DefaultConfigPath = "/etc/citybrain/node.json";

    public string ConfigPath { get; set; } = DefaultConfigPath;

    /// <summary>How pushed and edited configurations are taken: trust path, health window (<c>--trust</c>, <c>--apply-window</c>).</summary>
    public ConfigApplyOptions Apply { get; set; } = new();

    /// <summary>
    /// Registers hardware handles before the drivers are built (a host on unusual hardware, or a test injecting a fake
    /// GPIO controller or simulated I2C chips); null on a normal node, where each driver opens what it needs.
    /// </summary>
    public Action<HardwareContext>? ConfigureHardware { get; set; }
}

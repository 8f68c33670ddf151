namespace CityBrain.Edge.Hosting;

/// <summary>Where the node configuration is: <c>--config PATH</c>, env <c>CITYBRAIN_EDGE_CONFIG</c>, or the default.</summary>
public sealed record EdgeHostOptions
{
    public const string DefaultConfigPath = "/etc/citybrain/node.json";

    public string ConfigPath { get; set; } = DefaultConfigPath;
}

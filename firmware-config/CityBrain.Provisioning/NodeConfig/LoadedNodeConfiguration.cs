namespace CityBrain.Provisioning.NodeConfig;

/// <summary>A configuration that passed every check, where it came from, and what deserves a warning.</summary>
public sealed record LoadedNodeConfiguration(NodeConfiguration Configuration, string Source, IReadOnlyList<string> Warnings);

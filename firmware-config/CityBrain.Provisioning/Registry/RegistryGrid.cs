namespace CityBrain.Provisioning.Registry;

/// <summary>A grid cell of the grid registry, in one community, with the nodes installed in it.</summary>
public sealed record RegistryGrid
{
    public required string Id { get; init; }

    public required string Community { get; init; }

    public double? Lat { get; init; }

    public double? Lon { get; init; }

    public IReadOnlyList<string> Nodes { get; set; } = [];
}

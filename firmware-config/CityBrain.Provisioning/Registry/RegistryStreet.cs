namespace CityBrain.Provisioning.Registry;

/// <summary>A street (town) of the grid registry, in one district.</summary>
public sealed record RegistryStreet
{
    public required string Id { get; init; }

    public required string District { get; init; }

    public string? Name { get; init; }
}

namespace CityBrain.Provisioning.Registry;

/// <summary>A district of the grid registry: the topic's district level.</summary>
public sealed record RegistryDistrict
{
    public required string Id { get; init; }

    public string? Name { get; init; }
}

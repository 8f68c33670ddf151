namespace CityBrain.Provisioning.Registry;

/// <summary>A community of the grid registry, on one street.</summary>
public sealed record RegistryCommunity
{
    public required string Id { get; init; }

    public required string Street { get; init; }

    public string? Name { get; init; }
}

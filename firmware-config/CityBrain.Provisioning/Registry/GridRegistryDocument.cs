namespace CityBrain.Provisioning.Registry;

/// <summary>The grid registry file as written (schema firmware-config/schemas/grid-registry.v1.schema.json).</summary>
public sealed record GridRegistryDocument
{
    public int Version { get; set; } = 1;

    public required string City { get; init; }

    public IReadOnlyList<RegistryDistrict> Districts { get; set; } = [];

    public IReadOnlyList<RegistryStreet> Streets { get; set; } = [];

    public IReadOnlyList<RegistryCommunity> Communities { get; set; } = [];

    public IReadOnlyList<RegistryGrid> Grids { get; set; } = [];

    public IReadOnlyList<RegistryConsumer> Consumers { get; set; } = [];
}

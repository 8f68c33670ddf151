using CityBrain.Sensing;

namespace CityBrain.Provisioning.NodeConfig;

/// <summary>The node's id and its place in the city (city → district → street → grid cell).</summary>
public sealed record NodeSection
{
    public required string Id { get; init; }

    public required LocationSection Location { get; init; }

    public NodeIdentity ToIdentity() =>
        new(Id, new Location(Location.City, Location.District, Location.Street, Location.Grid));
}

namespace CityBrain.Provisioning.Registry;

/// <summary>A broker user that is not a node, with its role (<see cref="ConsumerRoles"/>) and the scope the role needs.</summary>
public sealed record RegistryConsumer
{
    public required string User { get; init; }

    public required string Role { get; init; }

    /// <summary>The district of a <see cref="ConsumerRoles.District"/> consumer.</summary>
    public string? District { get; init; }

    /// <summary>The street of a <see cref="ConsumerRoles.Street"/> consumer.</summary>
    public string? Street { get; init; }

    /// <summary>The catalogue domains of a <see cref="ConsumerRoles.Department"/> consumer.</summary>
    public IReadOnlyList<string> Domains { get; set; } = [];
}

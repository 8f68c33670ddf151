namespace CityBrain.Provisioning.Registry;

/// <summary>The consumer roles of the grid registry (docs/grid-registry.md says what each may read and write).</summary>
public static class ConsumerRoles
{
    /// <summary>A hub instance: reads everything under the root, writes its outputs.</summary>
    public const string Hub = "hub";

    /// <summary>The technicians' CLI: pushes node configuration, reads the answers, status and health.</summary>
    public const string Provisioning = "provisioning";

    /// <summary>The city brain: reads all of citybrain/v1/#, may send commands to any node.</summary>
    public const string City = "city";

    /// <summary>A district command centre: its district's nodes and its district's alerts, commands to its nodes.</summary>
    public const string District = "district";

    /// <summary>A street office: the grids of its street and their alerts, commands to its nodes.</summary>
    public const string Street = "street";

    /// <summary>A department: its domains across the city, from its own database (no raw node topics).</summary>
    public const string Department = "department";
}

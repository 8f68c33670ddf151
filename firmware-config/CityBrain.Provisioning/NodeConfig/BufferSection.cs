namespace CityBrain.Provisioning.NodeConfig;

/// <summary>The store-and-forward buffer: on disk by default, bounded by size and age.</summary>
public sealed record BufferSection
{
    public const string Disk = "disk";
    public const string Memory = "memory";

    public string Kind { get; set; } = Disk;

    public string Path { get; set; } = "/var/lib/citybrain/buffer";

    public int MaxMegabytes { get; set; } = 256;

    public double MaxAgeHours { get; set; } = 168;

    /// <summary><c>always</c>, <c>group</c> (default: group commit), <c>interval</c> or <c>none</c>.</summary>
    public string Fsync { get; set; } = "group";

    /// <summary>Readings younger than this go out ahead of the backlog after an outage.</summary>
    public double LiveWindowSeconds { get; set; } = 10;
}

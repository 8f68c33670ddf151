namespace CityBrain.Provisioning.NodeConfig;

/// <summary>Location ids: lower-case slugs, because district and grid become MQTT topic levels and InfluxDB tags.</summary>
public sealed record LocationSection
{
    public required string City { get; init; }

    public required string District { get; init; }

    public required string Street { get; init; }

    public required string Grid { get; init; }
}

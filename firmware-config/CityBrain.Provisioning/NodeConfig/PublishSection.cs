namespace CityBrain.Provisioning.NodeConfig;

/// <summary>How readings leave the buffer: batch size and delay, in-flight limit, backlog drain rate, health period.</summary>
public sealed record PublishSection
{
    public int MaxBatchReadings { get; set; } = 500;

    public int MaxBatchDelayMs { get; set; } = 100;

    /// <summary>QoS 1 messages awaiting PUBACK at once.</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>How fast the backlog drains after an outage, so live data is never starved.</summary>
    public int BacklogReadingsPerSecond { get; set; } = 5000;

    public int HealthIntervalSeconds { get; set; } = 30;
}

namespace CityBrain.Edge.Publishing;

/// <summary>How the publisher takes readings out of the buffer and sends them.</summary>
public sealed record PublisherOptions
{
    public int MaxBatchReadings { get; init; } = 500;

    /// <summary>Wait this long after data arrives before taking a batch, so a trickle of readings fills one message.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>QoS 1 messages awaiting PUBACK at once.</summary>
    public int MaxInFlight { get; init; } = 8;

    public int BacklogReadingsPerSecond { get; init; } = 5000;

    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

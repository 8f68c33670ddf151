namespace CityBrain.Edge.Publishing;

/// <summary>How the publisher takes readings out of the buffer and sends them.</summary>
public sealed record PublisherOptions
{
    public int MaxBatchReadings { get; init; } = 500;

    /// <summary>
    /// Longest a partial batch waits for the partial batch in flight to be answered, so the readings that arrive
    /// meanwhile travel in one message (<see cref="PartialBatchGate"/>). A full batch, or a partial one while none is
    /// in flight, never waits. Zero: partial batches never wait for each other.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>QoS 1 messages awaiting PUBACK at once.</summary>
    public int MaxInFlight { get; init; } = 8;

    public int BacklogReadingsPerSecond { get; init; } = 5000;

    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest telemetry payload in bytes (publish setting <c>maxMessageBytes</c>): below the broker's
    /// <c>max_packet_size</c> and the hub's <c>Hub:MaxPayloadBytes</c>, so no message is refused.
    /// </summary>
    public int MaxMessageBytes { get; init; } = 256 * 1024;

    /// <summary>First hold after a PUBACK 0x10 "No matching subscribers"; each further 0x10 doubles it.</summary>
    public TimeSpan NoSubscriberRetryMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest hold: a node resumes at most this long after the hub subscribes again.</summary>
    public TimeSpan NoSubscriberRetryMax { get; init; } = TimeSpan.FromSeconds(30);
}

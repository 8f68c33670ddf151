namespace CityBrain.Provisioning.NodeConfig;

/// <summary>How readings leave the buffer: batch size and delay, in-flight limit, backlog drain rate, health period.</summary>
public sealed record PublishSection
{
    public int MaxBatchReadings { get; set; } = 500;

    /// <summary>
    /// Longest a partial batch waits for the partial batch in flight to be acknowledged (0..60000 ms); a full batch, or
    /// a partial one while none is in flight, goes at once.
    /// </summary>
    public int MaxBatchDelayMs { get; set; } = 100;

    /// <summary>
    /// Shed load at the source (0..60000 ms, 0 = never): while the publisher takes full batches whose oldest reading
    /// waited longer than this since its poll, sensors polled faster than once a second skip ticks, counted as overruns and
    /// <c>citybrain.edge.poll.shed</c>, instead of queueing behind the readings already waiting.
    /// </summary>
    public int ShedAfterMs { get; set; } = 100;

    /// <summary>QoS 1 messages awaiting PUBACK at once.</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>How fast the backlog drains after an outage, so live data is never starved.</summary>
    public int BacklogReadingsPerSecond { get; set; } = 5000;

    public int HealthIntervalSeconds { get; set; } = 30;

    /// <summary>
    /// Largest telemetry message in bytes (4096..1048576): a batch that would encode larger goes out as several
    /// messages. Keep it below the broker's <c>max_packet_size</c> and the hub's <c>Hub:MaxPayloadBytes</c>.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// When a reading leaves the node's buffer: <see cref="DeliveryAckHub"/> (the shipped configurations) when the hub
    /// acknowledges storing it on the node's <c>ack</c> topic, so a broker that loses its queue loses nothing;
    /// <see cref="DeliveryAckBroker"/> (the default, for hubs without the acknowledgement) on the broker's PUBACK.
    /// </summary>
    public string DeliveryAck { get; set; } = DeliveryAckBroker;

    /// <summary>
    /// With <c>deliveryAck: hub</c>: readings the hub has not acknowledged this long after their PUBACK are sent again,
    /// if the hub has acknowledged readings sent after them meanwhile (1000..3600000).
    /// </summary>
    public int AckTimeoutMs { get; set; } = 30_000;

    public const string DeliveryAckHub = "hub";

    public const string DeliveryAckBroker = "broker";
}

namespace CityBrain.Sensing.Contract;

/// <summary>
/// A telemetry batch as it crosses MQTT (schema <c>telemetry.v1</c>): the node, when the batch was sent, and its
/// readings, each with its own per-node sequence number and source timestamp.
/// </summary>
public sealed record TelemetryMessage(string Node, DateTimeOffset Sent, IReadOnlyList<SequencedReading> Readings)
{
    /// <summary>The schema version this code writes and the only one it accepts.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Largest number of readings one message may carry.</summary>
    public const int MaxReadings = 5000;

    /// <summary>
    /// Readings of the received message that broke the contract (bad value, bad timestamp, missing or mistyped member):
    /// not in <see cref="Readings"/>, to be dead-lettered one by one. Empty for every message a node writes.
    /// </summary>
    public IReadOnlyList<RejectedReading> Rejected { get; init; } = [];

    /// <summary>
    /// The readings as a span, for the hub's per-reading loops (no enumerator object, no interface call per reading):
    /// <see cref="TelemetryCodec"/> reads them into an array, or into <see cref="PooledReadings"/> when given a pool.
    /// </summary>
    public ReadOnlySpan<SequencedReading> ReadingSpan() => Readings switch
    {
        SequencedReading[] array => array,
        PooledReadings pooled => pooled.Span,
        List<SequencedReading> list => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list),
        _ => Readings.ToArray(),
    };
}

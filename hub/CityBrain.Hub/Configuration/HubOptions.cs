namespace CityBrain.Hub.Configuration;

/// <summary>The hub's configuration, bound from the <c>Hub</c> section of hub.json and checked at load by <see cref="HubOptionsValidator"/>.</summary>
public sealed class HubOptions
{
    public const string SectionName = "Hub";

    /// <summary>Name of this instance, written into dead letters and used in the default MQTT client id.</summary>
    public string InstanceName { get; set; } = Environment.MachineName.ToLowerInvariant();

    public MqttConnectionOptions Mqtt { get; set; } = new();

    public List<SinkOptions> Sinks { get; set; } = [];

    public BatchingOptions Batching { get; set; } = new();

    /// <summary>
    /// What every point stores: <c>value</c> (a field, required), <c>quality</c> (a tag: good, uncertain, bad),
    /// <c>seq</c> (a field); null (the default) = all three, the documented schema (docs/influxdb-schema.md).
    /// VictoriaMetrics stores each field as a series of its own, so <c>seq</c> costs it a sample per reading (ingest CPU
    /// and disk); without it the database cannot be reconciled by sequence number, without <c>quality</c> it cannot
    /// filter bad readings (the hub still counts gaps and shows quality in the health registry). Applies to every sink.
    /// </summary>
    public string[]? Columns { get; set; }

    public WriteResilienceOptions Resilience { get; set; } = new();

    /// <summary>The durable dead-letter store (rejected messages, readings and points).</summary>
    public DeadLetterOptions DeadLetters { get; set; } = new();

    /// <summary>The end-to-end acknowledgement of stored readings to the nodes.</summary>
    public AckOptions Ack { get; set; } = new();

    /// <summary>Largest MQTT payload the hub parses; larger ones are dead-lettered as <c>too_large</c>.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    public EmbeddedBrokerOptions EmbeddedBroker { get; set; } = new();

    /// <summary>
    /// The grid registry (schema grid-registry.v1, docs/grid-registry.md), checked at start; null = none. With it, a
    /// node whose claimed location differs from the registry is rejected (<c>location_mismatch</c>) and every point is
    /// tagged with its grid's street and community.
    /// </summary>
    public string? RegistryPath { get; set; }

    /// <summary>Port of the HTTP endpoint (/metrics), bound to <see cref="HttpBindAddress"/>.</summary>
    public int HttpPort { get; set; } = 9180;

    public string HttpBindAddress { get; set; } = "127.0.0.1";
}

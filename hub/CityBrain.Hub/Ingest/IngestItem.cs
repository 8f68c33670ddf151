using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Ingest;

/// <summary>A valid telemetry message waiting to be written; <see cref="Acknowledge"/> sends its PUBACK once every sink stored it.</summary>
public sealed record IngestItem(string TopicName, NodeTopic Topic, TelemetryMessage Message, Func<CancellationToken, Task> Acknowledge);

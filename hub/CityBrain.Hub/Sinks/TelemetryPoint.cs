using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Sinks;

/// <summary>
/// One reading as the ingest hands it to the sinks (docs/influxdb-schema.md): no encoding yet, only references to
/// strings the contract's reader made already (no allocation per point).
/// </summary>
/// <param name="TopicName">The topic the reading came on (the key of its location tags).</param>
public readonly record struct TelemetryPoint(
    string Quantity,
    string TopicName,
    NodeTopic Topic,
    string Sensor,
    Quality Quality,
    long Seq,
    double Value,
    long TimestampMs);

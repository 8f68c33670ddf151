namespace CityBrain.Hub.Sinks;

/// <summary>What an <see cref="IPointSink"/> takes: the pipeline hands every sink typed points, and the sink's writer encodes them in this format.</summary>
public enum PointFormat
{
    /// <summary>InfluxDB line protocol (millisecond timestamps), encoded by <see cref="LineProtocolEncoder"/>: <see cref="IPointSink.WriteAsync(ReadOnlyMemory{byte}, int, CancellationToken)"/>.</summary>
    LineProtocol,

    /// <summary>The typed points themselves (a store with its own encoding): <see cref="IPointSink.WriteAsync(ReadOnlyMemory{TelemetryPoint}, CancellationToken)"/>.</summary>
    Points,
}

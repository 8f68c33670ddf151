namespace CityBrain.Hub.Sinks;

/// <summary>
/// A database. It says what it takes (<see cref="Format"/>); its <see cref="ResilientSinkWriter"/> encodes the
/// pipeline's typed points in that format and calls the matching write. Never throws for server answers: see
/// <see cref="SinkWriteResult"/>.
/// </summary>
public interface IPointSink : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The encoding this sink takes (line protocol unless the sink says otherwise).</summary>
    PointFormat Format => PointFormat.LineProtocol;

    /// <summary>Line-protocol sinks: writes complete lines ('\n'-terminated, millisecond timestamps) in one request.</summary>
    Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken);

    /// <summary><see cref="PointFormat.Points"/> sinks: writes the points in one request.</summary>
    Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<TelemetryPoint> points, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"sink {Name} takes {Format}, not typed points");
}

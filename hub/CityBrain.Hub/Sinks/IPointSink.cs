namespace CityBrain.Hub.Sinks;

/// <summary>A database that takes line protocol (millisecond timestamps). Never throws for server answers: see <see cref="SinkWriteResult"/>.</summary>
public interface IPointSink : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Writes complete lines ('\n'-terminated) in one request.</summary>
    Task<SinkWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, CancellationToken cancellationToken);
}

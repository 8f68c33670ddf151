using CityBrain.Sensing;

namespace CityBrain.Edge.Hosting;

/// <summary>A memory buffer that writes its next sequence number to disk when it closes.</summary>
internal sealed class SequencePersistingBuffer : IReadingBuffer
{
    private readonly IReadingBuffer _inner;
    private readonly SequenceFile _file;

    public SequencePersistingBuffer(IReadingBuffer inner, SequenceFile file)
    {
        _inner = inner;
        _file = file;
    }

    public ValueTask AppendAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken) => _inner.AppendAsync(readings, cancellationToken);

    public ValueTask<BufferBatch> BeginBatchAsync(BufferLane lane, int maxReadings, CancellationToken cancellationToken) => _inner.BeginBatchAsync(lane, maxReadings, cancellationToken);

    public ValueTask EndBatchAsync(BufferBatch batch, int acceptedCount, CancellationToken cancellationToken) => _inner.EndBatchAsync(batch, acceptedCount, cancellationToken);

    public ValueTask EndBatchAwaitingAsync(BufferBatch batch, int sentCount, CancellationToken cancellationToken) => _inner.EndBatchAwaitingAsync(batch, sentCount, cancellationToken);

    public ValueTask<long> AcknowledgeAsync(long start, long end, CancellationToken cancellationToken) => _inner.AcknowledgeAsync(start, end, cancellationToken);

    public ValueTask<long> ReleaseAsync(long start, long end, CancellationToken cancellationToken) => _inner.ReleaseAsync(start, end, cancellationToken);

    public ValueTask WaitToReadAsync(CancellationToken cancellationToken) => _inner.WaitToReadAsync(cancellationToken);

    public BufferStats GetStats() => _inner.GetStats();

    public async ValueTask DisposeAsync()
    {
        await _file.WriteAsync(_inner.GetStats().NextSeq, CancellationToken.None).ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
    }
}

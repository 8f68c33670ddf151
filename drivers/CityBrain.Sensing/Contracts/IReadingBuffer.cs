namespace CityBrain.Sensing;

/// <summary>
/// The node's store-and-forward buffer; transactional (telegraf's models/buffer.go): a reading leaves only after
/// delivery was acknowledged. Memory and disk buffers pass one shared contract test suite.
/// Sequence numbers are assigned here, per node, monotonic, and (for durable buffers) survive restarts.
/// </summary>
public interface IReadingBuffer : IAsyncDisposable
{
    /// <summary>
    /// Appends readings and assigns their sequence numbers. Returns when the readings are as durable as the
    /// buffer's commit policy promises. When the buffer is full, the oldest readings are dropped and counted.
    /// The buffer copies <paramref name="readings"/> before the call returns: the caller may reuse the list at once,
    /// without waiting for the returned task.
    /// </summary>
    ValueTask AppendAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="maxReadings"/> readings of <paramref name="lane"/> that are not in flight, oldest
    /// sequence first. Returns an empty batch when there are none.
    /// </summary>
    ValueTask<BufferBatch> BeginBatchAsync(BufferLane lane, int maxReadings, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a batch: the first <paramref name="acceptedCount"/> readings were delivered and are removed; the rest
    /// are kept and become available again (0 = keep all; <see cref="BufferBatch.Count"/> = accept all).
    /// </summary>
    ValueTask EndBatchAsync(BufferBatch batch, int acceptedCount, CancellationToken cancellationToken);

    /// <summary>Completes when readings may be available for <see cref="BeginBatchAsync"/>.</summary>
    ValueTask WaitToReadAsync(CancellationToken cancellationToken);

    /// <summary>A consistent snapshot of depth, age, drops and bytes written.</summary>
    BufferStats GetStats();
}

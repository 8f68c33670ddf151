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

    /// <summary>
    /// Ends a batch whose first <paramref name="sentCount"/> readings reached the broker but are not yet confirmed
    /// stored end to end: they stay in the buffer, are not handed out again, and leave it only through
    /// <see cref="AcknowledgeAsync"/> (or are handed out again after <see cref="ReleaseAsync"/>). The rest are kept as
    /// <see cref="EndBatchAsync"/> keeps them. Awaiting is not persisted: after a restart such readings are sent again.
    /// </summary>
    ValueTask EndBatchAwaitingAsync(BufferBatch batch, int sentCount, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the awaiting readings with sequence numbers in <c>[start, end)</c> (their storage was confirmed); readings
    /// in that range that are not awaiting are left alone. Returns how many were removed.
    /// </summary>
    ValueTask<long> AcknowledgeAsync(long start, long end, CancellationToken cancellationToken);

    /// <summary>Hands the awaiting readings in <c>[start, end)</c> out again (to be re-sent). Returns how many.</summary>
    ValueTask<long> ReleaseAsync(long start, long end, CancellationToken cancellationToken);

    /// <summary>Completes when readings may be available for <see cref="BeginBatchAsync"/>.</summary>
    ValueTask WaitToReadAsync(CancellationToken cancellationToken);

    /// <summary>A consistent snapshot of depth, age, drops and bytes written.</summary>
    BufferStats GetStats();
}

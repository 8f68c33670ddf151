namespace CityBrain.Sensing;

/// <summary>What a buffer reports in the node's health message.</summary>
public sealed record BufferStats
{
    /// <summary>Readings stored and not yet acknowledged (including in flight).</summary>
    public long Readings { get; init; }

    /// <summary>Bytes the stored readings occupy (on disk for a disk buffer).</summary>
    public long Bytes { get; init; }

    /// <summary>Append time of the oldest stored reading, if any.</summary>
    public DateTimeOffset? Oldest { get; init; }

    /// <summary>Next sequence number to be assigned.</summary>
    public long NextSeq { get; init; }

    /// <summary>Readings dropped because the buffer was over its byte cap.</summary>
    public long DroppedOverflow { get; init; }

    /// <summary>Readings dropped because they were older than the age cap.</summary>
    public long DroppedExpired { get; init; }

    /// <summary>Readings lost to damaged records found at recovery (torn writes, bad checksums).</summary>
    public long DroppedCorrupt { get; init; }

    /// <summary>
    /// Readings dropped because the buffer's storage refused writes (disk full, read-only filesystem) while the
    /// in-memory overflow was full too.
    /// </summary>
    public long DroppedDiskFull { get; init; }

    /// <summary>Age of the oldest stored reading on the buffer's monotonic clock (zero when empty).</summary>
    public TimeSpan OldestAge { get; init; }

    /// <summary>
    /// Readings sent (PUBACK) and awaiting the hub's end-to-end acknowledgement (<see cref="IReadingBuffer.EndBatchAwaitingAsync"/>);
    /// included in <see cref="Readings"/>.
    /// </summary>
    public long Awaiting { get; init; }

    /// <summary>Readings held only in memory because storage refused writes (a disk buffer in degraded mode).</summary>
    public long HeldInMemory { get; init; }

    /// <summary><see cref="BufferStates.Ok"/>, <see cref="BufferStates.Degraded"/> or <see cref="BufferStates.ClockHeld"/>.</summary>
    public string State { get; init; } = BufferStates.Ok;

    /// <summary>Why the buffer is not <see cref="BufferStates.Ok"/> (the last storage error, or the clock), else null.</summary>
    public string? Problem { get; init; }

    /// <summary>Total readings appended since start.</summary>
    public long Appended { get; init; }

    /// <summary>Total bytes written to storage since start (0 for memory).</summary>
    public long BytesWritten { get; init; }
}

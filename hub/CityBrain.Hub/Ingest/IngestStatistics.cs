namespace CityBrain.Hub.Ingest;

/// <summary>A snapshot of the ingest path for the stats endpoint, tests and the benchmark.</summary>
public sealed record IngestStatistics(
    long MessagesReceived,
    long MessagesWritten,
    long PointsWritten,
    long WriteRetries,
    int QueueDepth,
    long Unacknowledged,
    long UnacknowledgedPeak,
    IReadOnlyDictionary<string, long> RejectedByCode,
    long LatencyP50Ms,
    long LatencyP99Ms,
    long LatencyMaxMs,
    IReadOnlyList<NodeSequenceSnapshot> Sequences,
    long GcHeapBytes,
    long GcCommittedBytes,
    long GcFragmentedBytes,
    IReadOnlyList<StageLatency>? StageLatencies = null)
{
    /// <summary>The health registry's size against its caps, what it refused and snapshot problems (null without a registry).</summary>
    public Health.RegistryStatistics? Registry { get; init; }

    /// <summary>The dead-letter files: letters stored and dropped (oldest first, when full) since start, bytes on disk, where.</summary>
    public DeadLetterFigures? DeadLetters { get; init; }

    /// <remarks>The GC figures are those of the last collection (<see cref="GC.GetGCMemoryInfo()"/>): the managed heap's
    /// share of the process's resident set, for the benchmark's RSS breakdown.</remarks>
    /// <param name="sequences">Per-node sequence statistics (the health registry's), empty when there is none.</param>
    /// <param name="deadLetters">The dead-letter queue and its store, for <see cref="DeadLetters"/>.</param>
    public static IngestStatistics Create(IngestMetrics metrics, IngestPipeline pipeline, IReadOnlyList<NodeSequenceSnapshot> sequences, DeadLetterQueue? deadLetters = null)
    {
        var gc = GC.GetGCMemoryInfo();
        return new(
            metrics.ReceivedTotal,
            metrics.MessagesWrittenTotal,
            metrics.PointsWrittenTotal,
            metrics.RetriesTotal,
            pipeline.QueueDepth,
            metrics.Unacknowledged,
            metrics.UnacknowledgedPeak,
            metrics.RejectedByCode,
            metrics.Latency.Percentile(0.50),
            metrics.Latency.Percentile(0.99),
            metrics.Latency.MaxMilliseconds,
            sequences,
            gc.HeapSizeBytes,
            gc.TotalCommittedBytes,
            gc.FragmentedBytes,
            metrics.StageLatencies())
        {
            DeadLetters = deadLetters is null
                ? null
                : new DeadLetterFigures(deadLetters.Store.Stored, deadLetters.Store.Dropped, deadLetters.Store.Bytes, deadLetters.Dropped, deadLetters.Store.Directory),
        };
    }
}

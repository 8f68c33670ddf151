namespace CityBrain.Sensing.Hosting;

/// <summary>
/// The latency histogram of both services (the edge's publish latency in health, the hub's ingest and per-hop stage
/// latencies): lock-free, in milliseconds, 1 ms buckets to 1 s, 10 ms buckets to 60 s, then one overflow bucket whose
/// bound is the maximum seen. Recording costs two increments; no samples are kept.
/// </summary>
public sealed class LatencyHistogram
{
    private const int FineLimit = 1000;
    private const int CoarseStep = 10;
    private const int CoarseLimit = 60_000;
    private const int BucketCount = FineLimit + ((CoarseLimit - FineLimit) / CoarseStep) + 1;

    private State _state = new();

    /// <summary>Values recorded since start or the last reset.</summary>
    public long Count => Interlocked.Read(ref Volatile.Read(ref _state).Count);

    public long MaxMilliseconds => Interlocked.Read(ref Volatile.Read(ref _state).Max);

    /// <summary>Records <paramref name="milliseconds"/> (negative counts as 0) <paramref name="times"/> times (e.g. once per reading of a message).</summary>
    public void Record(long milliseconds, long times = 1)
    {
        var state = Volatile.Read(ref _state);
        long ms = Math.Max(0, milliseconds);
        int index = ms < FineLimit ? (int)ms
            : ms < CoarseLimit ? FineLimit + (int)((ms - FineLimit) / CoarseStep)
            : BucketCount - 1;
        Interlocked.Add(ref state.Buckets[index], times);
        Interlocked.Add(ref state.Count, times);
        long seen;
        while (ms > (seen = Interlocked.Read(ref state.Max)) && Interlocked.CompareExchange(ref state.Max, ms, seen) != seen)
        {
        }
    }

    /// <summary>The upper bound (ms) of the bucket holding the <paramref name="quantile"/> (0..1); 0 when empty.</summary>
    public long Percentile(double quantile) => Volatile.Read(ref _state).Percentile(quantile);

    /// <summary>The non-empty buckets since start or the last reset: upper bounds (ms; the overflow bucket's is <see cref="long.MaxValue"/>) and counts.</summary>
    public LatencyBuckets Buckets()
    {
        var state = Volatile.Read(ref _state);
        var upper = new List<long>();
        var counts = new List<long>();
        for (int i = 0; i < BucketCount; i++)
        {
            long n = Interlocked.Read(ref state.Buckets[i]);
            if (n > 0)
            {
                upper.Add(i < BucketCount - 1 ? UpperBound(i) : long.MaxValue);
                counts.Add(n);
            }
        }

        return new LatencyBuckets(Interlocked.Read(ref state.Count), Interlocked.Read(ref state.Max), [.. upper], [.. counts]);
    }

    /// <summary>Starts over (a value recorded concurrently may land in either interval).</summary>
    public void Reset() => Interlocked.Exchange(ref _state, new State());

    /// <summary>Count, p50, p99 and max of everything recorded since the last call (or start), and starts over: one health interval.</summary>
    public LatencySnapshot SnapshotAndReset()
    {
        var state = Interlocked.Exchange(ref _state, new State());
        return new LatencySnapshot(Interlocked.Read(ref state.Count), state.Percentile(0.50), state.Percentile(0.99), Interlocked.Read(ref state.Max));
    }

    private static long UpperBound(int index) => index < FineLimit ? index + 1 : FineLimit + ((index - FineLimit + 1) * CoarseStep);

    private sealed class State
    {
        public readonly long[] Buckets = new long[BucketCount];
        public long Count;
        public long Max;

        public long Percentile(double quantile)
        {
            long total = Interlocked.Read(ref Count);
            if (total == 0)
            {
                return 0;
            }

            long rank = (long)Math.Ceiling(quantile * total);
            long seen = 0;
            for (int i = 0; i < BucketCount - 1; i++)
            {
                seen += Interlocked.Read(ref Buckets[i]);
                if (seen >= rank)
                {
                    return UpperBound(i);
                }
            }

            return Interlocked.Read(ref Max);
        }
    }
}

/// <summary>A histogram's non-empty buckets: upper bound in ms and count, with the total count and the maximum.</summary>
public sealed record LatencyBuckets(long Count, long MaxMs, long[] UpperMs, long[] Counts);

/// <summary>One interval of a <see cref="LatencyHistogram"/>: how many values, p50 and p99 (bucket upper bounds, ms) and the maximum.</summary>
public readonly record struct LatencySnapshot(long Count, long P50Ms, long P99Ms, long MaxMs);

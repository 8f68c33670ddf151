namespace CityBrain.Hub.Ingest;

/// <summary>
/// A lock-free latency histogram in milliseconds: 1 ms buckets to 1 s, 10 ms buckets to 60 s, then one overflow
/// bucket. Enough resolution for p50/p99 of end-to-end ingest latency without keeping samples.
/// </summary>
public sealed class LatencyHistogram
{
    private const int FineLimit = 1000;
    private const int CoarseStep = 10;
    private const int CoarseLimit = 60_000;
    private readonly long[] _buckets = new long[FineLimit + ((CoarseLimit - FineLimit) / CoarseStep) + 1];
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long MaxMilliseconds => Interlocked.Read(ref _max);

    public void Record(long milliseconds, long times = 1)
    {
        long ms = Math.Max(0, milliseconds);
        int index = ms < FineLimit ? (int)ms
            : ms < CoarseLimit ? FineLimit + (int)((ms - FineLimit) / CoarseStep)
            : _buckets.Length - 1;
        Interlocked.Add(ref _buckets[index], times);
        Interlocked.Add(ref _count, times);
        long seen;
        while (ms > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, ms, seen) != seen)
        {
        }
    }

    /// <summary>The upper bound of the bucket holding the <paramref name="quantile"/> (0..1); 0 when empty.</summary>
    public long Percentile(double quantile)
    {
        long total = Count;
        if (total == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return i < FineLimit ? i + 1 : i < _buckets.Length - 1 ? FineLimit + ((i - FineLimit + 1) * CoarseStep) : MaxMilliseconds;
            }
        }

        return MaxMilliseconds;
    }

    /// <summary>The non-empty buckets (upper bound in ms, count), for <see cref="StageLatency"/>.</summary>
    public StageLatency Snapshot(string stage)
    {
        var upper = new List<long>();
        var counts = new List<long>();
        for (int i = 0; i < _buckets.Length; i++)
        {
            long n = Interlocked.Read(ref _buckets[i]);
            if (n > 0)
            {
                upper.Add(i < FineLimit ? i + 1 : i < _buckets.Length - 1 ? FineLimit + ((i - FineLimit + 1) * CoarseStep) : long.MaxValue);
                counts.Add(n);
            }
        }

        return new StageLatency(stage, Count, MaxMilliseconds, [.. upper], [.. counts]);
    }

    public void Reset()
    {
        Array.Clear(_buckets);
        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _max, 0);
    }
}

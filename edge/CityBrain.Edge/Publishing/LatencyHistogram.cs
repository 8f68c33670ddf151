namespace CityBrain.Edge.Publishing;

/// <summary>
/// Lock-free latency histogram with logarithmic buckets (8 per doubling, ~9% resolution) from 0.1 ms to ~30 min, so
/// recording a reading's latency costs an increment. <see cref="SnapshotAndReset"/> gives percentiles per interval.
/// </summary>
public sealed class LatencyHistogram
{
    private const int BucketsPerDoubling = 8;
    private const double MinMs = 0.1;
    private const int BucketCount = 8 * 25;

    private long[] _counts = new long[BucketCount];

    public void Record(double milliseconds)
    {
        int index = milliseconds <= MinMs ? 0 : (int)Math.Min(BucketCount - 1, Math.Log2(milliseconds / MinMs) * BucketsPerDoubling);
        Interlocked.Increment(ref Volatile.Read(ref _counts)[index]);
    }

    /// <summary>Percentiles (upper bucket bounds, ms) of everything recorded since the last call.</summary>
    public LatencySnapshot SnapshotAndReset()
    {
        var counts = Interlocked.Exchange(ref _counts, new long[BucketCount]);
        long total = 0;
        foreach (long c in counts)
        {
            total += c;
        }

        return new LatencySnapshot(total, Percentile(counts, total, 0.50), Percentile(counts, total, 0.99));
    }

    private static double Percentile(long[] counts, long total, double p)
    {
        if (total == 0)
        {
            return 0;
        }

        long target = (long)Math.Ceiling(total * p);
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= target)
            {
                return Math.Round(MinMs * Math.Pow(2, (i + 1) / (double)BucketsPerDoubling), 1);
            }
        }

        return Math.Round(MinMs * Math.Pow(2, BucketCount / (double)BucketsPerDoubling), 1);
    }
}

namespace CityBrain.Hub.Health;

/// <summary>
/// A fixed ring of per-bucket means (e.g. 60 one-minute buckets = the last hour). O(1) per value, bounded memory.
/// Not thread-safe: guarded by its node's lock.
/// </summary>
internal sealed class SparklineRing
{
    private readonly long _bucketMs;
    private readonly long[] _bucket;
    private readonly double[] _sum;
    private readonly int[] _count;

    public SparklineRing(TimeSpan bucket, int points)
    {
        _bucketMs = Math.Max(1, (long)bucket.TotalMilliseconds);
        _bucket = new long[points];
        Array.Fill(_bucket, long.MinValue);
        _sum = new double[points];
        _count = new int[points];
    }

    public void Add(long timestampMs, double value)
    {
        long b = timestampMs / _bucketMs;
        int slot = (int)(((b % _bucket.Length) + _bucket.Length) % _bucket.Length);
        long current = _bucket[slot];
        if (current == b)
        {
            _sum[slot] += value;
            _count[slot]++;
        }
        else if (b > current)
        {
            _bucket[slot] = b;
            _sum[slot] = value;
            _count[slot] = 1;
        }

        // b < current: older than the ring's window for that slot, ignored.
    }

    /// <summary>The points of the last <c>points</c> buckets up to <paramref name="nowMs"/>, oldest first.</summary>
    public IReadOnlyList<SparkPoint> Points(long nowMs)
    {
        long newest = nowMs / _bucketMs;
        long oldest = newest - _bucket.Length + 1;
        var result = new List<SparkPoint>(_bucket.Length);
        for (long b = oldest; b <= newest; b++)
        {
            int slot = (int)(((b % _bucket.Length) + _bucket.Length) % _bucket.Length);
            if (_bucket[slot] == b && _count[slot] > 0)
            {
                result.Add(new SparkPoint(b * _bucketMs, _sum[slot] / _count[slot]));
            }
        }

        return result;
    }

    /// <summary>Refills the ring from saved points (restore at start).</summary>
    public void Load(IEnumerable<SparkPoint> points)
    {
        foreach (var p in points)
        {
            Add(p.T, p.V);
        }
    }
}

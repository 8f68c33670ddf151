using System.Globalization;
using System.Text.Json;

namespace CityBrain.Benchmarks.Chain;

/// <summary>
/// One of the hub's per-hop latency histograms (<c>stageLatencies</c> on /ingest/stats: bucket upper bound in ms →
/// count since start) over a window: the end's counts minus the start's, so percentiles are exact for the window
/// (1 ms buckets to 1 s, 10 ms to 60 s).
/// </summary>
internal sealed class LatencyWindow
{
    private readonly SortedDictionary<long, long> _counts;

    private LatencyWindow(SortedDictionary<long, long> counts) => _counts = counts;

    public long Count => _counts.Values.Sum();

    /// <summary>Each stage's histogram between two /ingest/stats answers.</summary>
    public static Dictionary<string, LatencyWindow> Between(JsonElement start, JsonElement end)
    {
        var before = Stages(start);
        return Stages(end).ToDictionary(
            kv => kv.Key,
            kv => new LatencyWindow(new SortedDictionary<long, long>(kv.Value
                .Select(b => (b.Key, Count: b.Value - (before.TryGetValue(kv.Key, out var s) ? s.GetValueOrDefault(b.Key) : 0)))
                .Where(b => b.Count > 0)
                .ToDictionary(b => b.Key, b => b.Count))),
            StringComparer.Ordinal);
    }

    /// <summary>The upper bound (ms) of the bucket holding the <paramref name="quantile"/>; the largest for 1.0; 0 when empty.</summary>
    public long Percentile(double quantile)
    {
        long rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        foreach (var (upper, count) in _counts)
        {
            seen += count;
            if (seen >= rank)
            {
                return upper;
            }
        }

        return 0;
    }

    /// <summary>"p50 / p95 / p99 / max ms (N)".</summary>
    public string Describe(string unit) => Count == 0
        ? "no samples"
        : $"{Percentile(0.50)} / {Percentile(0.95)} / {Percentile(0.99)} / {(Percentile(1.0) == long.MaxValue ? ">60000" : Percentile(1.0).ToString(CultureInfo.InvariantCulture))} ms ({Count.ToString("N0", CultureInfo.InvariantCulture)} {unit})";

    private static Dictionary<string, Dictionary<long, long>> Stages(JsonElement stats)
    {
        var result = new Dictionary<string, Dictionary<long, long>>(StringComparer.Ordinal);
        if (!stats.TryGetProperty("stageLatencies", out var stages) || stages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException("the hub's /ingest/stats has no stageLatencies: a hub built before the per-hop histograms?");
        }

        foreach (var stage in stages.EnumerateArray())
        {
            var upper = stage.GetProperty("upperMs").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var counts = stage.GetProperty("counts").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            result[stage.GetProperty("stage").GetString()!] = upper.Zip(counts).ToDictionary(p => p.First, p => p.Second);
        }

        return result;
    }
}

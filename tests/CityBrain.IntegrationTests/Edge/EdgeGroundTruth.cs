using CityBrain.Testing.Mqtt;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// Reconciles an in-process edge node against what its sensors produced (the runners' sampled counters, counted where
/// the driver hands its readings over, before a sequence number exists): every reading produced must have a sequence
/// number, and every sequence number must have been received by the subscriber, still be in the buffer, or be counted
/// in a <c>dropped.*</c> counter of the node's health. Unlike looking for holes between the lowest and highest seq
/// received, this sees readings lost before a seq was assigned and readings lost after the last one that arrived.
/// </summary>
public static class EdgeGroundTruth
{
    /// <summary>
    /// Stops the node (its last readings go out or stay in the buffer) and reconciles from <paramref name="firstSeq"/>
    /// (the first seq of this run of the node). Returns the next sequence number.
    /// </summary>
    public static async Task<long> StopAndReconcileAsync(EdgeNodeHarness edge, MqttCollector sub, TelemetryLedger ledger, long firstSeq, ITestOutputHelper output)
    {
        await edge.StopAsync();
        long produced = edge.Node.Runners.Sum(r => r.State.Sampled);
        var stats = edge.Node.Buffer.GetStats();
        var health = edge.Node.Health.Snapshot();
        long dropped = health.Buffer.Dropped.Values.Sum();
        ledger.Update(sub.Messages);
        long received = ledger.BySeq.Keys.Count(s => s >= firstSeq && s < stats.NextSeq);
        long missing = stats.NextSeq - firstSeq - received;
        output.WriteLine(
            $"produced {produced}; seqs {firstSeq}..{stats.NextSeq - 1}; received {received} ({ledger}); still buffered {stats.Readings}; dropped {string.Join(", ", health.Buffer.Dropped.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.Equal(produced, stats.NextSeq - firstSeq);
        Assert.DoesNotContain(ledger.BySeq.Keys, s => s >= stats.NextSeq);
        Assert.Equal(produced, received + stats.Readings + dropped);
        Assert.Equal(missing, stats.Readings + dropped);
        Assert.Equal(0, ledger.ConflictingDuplicates);
        return stats.NextSeq;
    }
}

using System.Text.Json;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// The edge node (in process, real disk buffer) on a 3 MiB tmpfs that fills up or turns read-only, against a real
/// Mosquitto. Ground truth is what the simulated sensors produced (the runners' sampled counters); every reading must be
/// stored at the subscriber, still in the buffer on disk, or counted in a <c>dropped.*</c> counter of the health message.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EdgeDiskFaultTests
{
    private const string Sensors = """
        [
          { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 50, "seed": 1, "samplesPerPoll": 2 },
          { "id": "env-02", "driver": "simulated", "kind": "environment", "intervalMs": 50, "seed": 2, "samplesPerPoll": 2 },
          { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 3 }
        ]
        """;

    private static readonly string[] Topics = ["citybrain/v1/+/+/+/telemetry", "citybrain/v1/+/+/+/health"];

    private readonly ITestOutputHelper _output;

    public EdgeDiskFaultTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task DiskFullWhileRunning_ReadingsKeepFlowing_HealthSaysDegraded_RecoversWhenFreed_EveryReadingStoredOrCounted()
    {
        using var tmpfs = TmpfsMount.Mount("disk-full", "3m");
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, Topics, persistent: true, clientId: "city-brain-disk-full");
        var ledger = new TelemetryLedger();
        await using var edge = await StartEdgeAsync(broker.Port, tmpfs.Path, "n-full-01");

        await WaitForMoreAsync(ledger, sub, 300, "telemetry before the disk fills");
        var (filler, bytes) = tmpfs.Fill();
        _output.WriteLine($"filled the tmpfs with {bytes} bytes; {ledger}");

        // Today the appender stops on ENOSPC and nothing flows again; the node must keep publishing.
        await WaitForMoreAsync(ledger, sub, 500, "telemetry while the disk is full");
        await WaitForStateAsync(sub, "degraded");

        File.Delete(filler);
        long writtenAtFree = edge.Node.Buffer.GetStats().BytesWritten;
        await WaitForStateAsync(sub, "ok");
        await WaitForMoreAsync(ledger, sub, 300, "telemetry after the space was freed");
        Assert.True(edge.Node.Buffer.GetStats().BytesWritten > writtenAtFree, "the buffer writes to disk again");

        await ReconcileAsync(edge, sub, ledger, firstSeq: 0);
    }

    /// <remarks>
    /// A running node's filesystem cannot be remounted read-only from a test (the kernel refuses while files are open for
    /// writing; on a node, ext4's errors=remount-ro forces it, and writes then fail like ENOSPC above). The node is stopped
    /// with a backlog on disk, the filesystem remounted read-only, and the node started on it, as systemd would.
    /// </remarks>
    [Fact]
    public async Task NodeStartsOnReadOnlyFilesystem_RunsDegraded_PublishesItsBacklog_RecoversWhenWritable_EveryReadingStoredOrCounted()
    {
        using var tmpfs = TmpfsMount.Mount("disk-ro", "3m");
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, Topics, persistent: true, clientId: "city-brain-disk-ro");
        var ledger = new TelemetryLedger();
        long nextSeq;
        await using (var edge = await StartEdgeAsync(broker.Port, tmpfs.Path, "n-ro-01"))
        {
            await WaitForMoreAsync(ledger, sub, 300, "telemetry before the broker stops");
            await broker.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(2)); // a backlog builds up on disk
            nextSeq = await ReconcileAsync(edge, sub, ledger, firstSeq: 0);
        }

        long backlog = nextSeq - ledger.BySeq.Count;
        Assert.True(backlog > 100, $"only {backlog} readings left on disk");
        tmpfs.Remount(readOnly: true);
        await broker.StartProcessAsync();

        // Today: the buffer cannot open its lock file and the service crash-loops.
        await using (var edge = await StartEdgeAsync(broker.Port, tmpfs.Path, "n-ro-01"))
        {
            await WaitForMoreAsync(ledger, sub, (int)backlog + 300, "the backlog and new telemetry from the read-only filesystem");
            await WaitForStateAsync(sub, "degraded");
            Assert.True(ledger.HasAll(0, nextSeq - 1), "the backlog left on the read-only disk was published");
            long written = edge.Node.Buffer.GetStats().BytesWritten;
            tmpfs.Remount(readOnly: false);
            await WaitForStateAsync(sub, "ok");
            await WaitForMoreAsync(ledger, sub, 300, "telemetry once the filesystem is writable");
            Assert.True(edge.Node.Buffer.GetStats().BytesWritten > written, "the buffer writes to disk again");
            await ReconcileAsync(edge, sub, ledger, firstSeq: nextSeq);
        }
    }

    private static Task<EdgeNodeHarness> StartEdgeAsync(int brokerPort, string mount, string nodeId) =>
        EdgeNodeHarness.StartAsync(_ => EdgeNodeHarness.Config(brokerPort, Sensors, Path.Combine(mount, "buffer"), "disk", nodeId));

    private Task<long> ReconcileAsync(EdgeNodeHarness edge, MqttCollector sub, TelemetryLedger ledger, long firstSeq) =>
        EdgeGroundTruth.StopAndReconcileAsync(edge, sub, ledger, firstSeq, _output);

    private static Task WaitForMoreAsync(TelemetryLedger ledger, MqttCollector sub, int more, string what)
    {
        int target = ledger.Update(sub.Messages).BySeq.Count + more;
        return MqttCollector.WaitUntilAsync(() => ledger.Update(sub.Messages).BySeq.Count >= target, TimeSpan.FromSeconds(20), what);
    }

    /// <summary>Waits for a health message with <c>buffer.state</c> = <paramref name="state"/> (and nothing held in memory when ok).</summary>
    private static Task WaitForStateAsync(MqttCollector sub, string state)
    {
        int from = sub.OnTopicEndingWith("/health").Count;
        return MqttCollector.WaitUntilAsync(
            () => sub.OnTopicEndingWith("/health").Skip(from).Any(m => m.Payload.Length > 0 && Buffer(m) is { } b
                && b.TryGetProperty("state", out var s) && s.GetString() == state && (state != "ok" || b.GetProperty("held").GetInt64() == 0)),
            TimeSpan.FromSeconds(20),
            $"a health message with buffer.state {state}");
    }

    private static JsonElement? Buffer(ReceivedMessage message) =>
        JsonDocument.Parse(message.Payload).RootElement.GetProperty("buffer").Clone();
}

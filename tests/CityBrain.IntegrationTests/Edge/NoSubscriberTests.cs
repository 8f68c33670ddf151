using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// Issue 14 item 1 on a real Mosquitto: while nobody subscribes (the hub not connected yet, or its session expired),
/// the broker answers PUBACK 0x10 "No matching subscribers". That is not delivery: the edge keeps those readings and
/// sends them once a subscriber with a persistent session exists; every reading the sensors produced arrives.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NoSubscriberTests
{
    private const string Sensors = """
        [
          { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 1 },
          { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 150, "seed": 11 }
        ]
        """;

    private readonly ITestOutputHelper _output;

    public NoSubscriberTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task NoSubscriber_PubackNoMatchingSubscribers_ReadingsKeptThenDeliveredExactly(string bufferKind)
    {
        await using var broker = await MosquittoServer.StartAsync();
        var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, Sensors, path, bufferKind));
        try
        {
            // Nobody subscribes: every telemetry PUBACK says 0x10.
            await MqttCollector.WaitUntilAsync(() => edge.Node.Publisher.NoSubscribers >= 1 && edge.Node.Buffer.GetStats().NextSeq >= 40, TimeSpan.FromSeconds(20), "telemetry answered 'no matching subscribers'");
            var held = edge.Node.Buffer.GetStats();
            _output.WriteLine($"before a subscriber: next seq {held.NextSeq}, buffered {held.Readings}, 0x10 answers {edge.Node.Publisher.NoSubscribers}");
            Assert.Equal(0, edge.Node.Publisher.Readings);
            // (A disk buffer's last group may still be committing: it is not counted yet.)
            Assert.True(held.Readings >= 30, $"the edge deleted readings nobody received: {held.Readings} of {held.NextSeq} still buffered");
            var health = edge.Node.Health.Snapshot();
            Assert.True(health.Publish.NoSubscribers >= 1);
            Assert.True(health.Publish.Held);

            // The hub arrives (persistent session): the held readings go out, none lost, none deleted unseen.
            await using var hub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/v1/+/+/+/telemetry", persistent: true, clientId: "citybrain-hub-test");
            await MqttCollector.WaitUntilAsync(() => TelemetryLedger.From(hub.Messages).HasAll(0, held.NextSeq - 1), TimeSpan.FromSeconds(40), $"seq 0..{held.NextSeq - 1} at the subscriber");
            Assert.False(edge.Node.Health.Snapshot().Publish.Held);

            await edge.StopAsync();
            var final = edge.Node.Buffer.GetStats();
            await MqttCollector.WaitUntilAsync(() => TelemetryLedger.From(hub.Messages).BySeq.Count >= final.NextSeq, TimeSpan.FromSeconds(10), "the last readings");

            // Ground truth: what the sensors produced and the processors let through.
            long produced = edge.Node.Runners.Sum(r => r.State.Snapshot() is var s ? s.Sampled - s.Filtered : 0);
            var ledger = TelemetryLedger.From(hub.Messages);
            _output.WriteLine($"{bufferKind}: sensors produced {produced}; subscriber: {ledger}; dropped {final.DroppedOverflow + final.DroppedExpired + final.DroppedCorrupt}");
            Assert.Equal(produced, final.NextSeq);
            Assert.Equal(produced, ledger.BySeq.Count);
            Assert.True(ledger.HasAll(0, produced - 1));
            Assert.Equal(0, ledger.ConflictingDuplicates);
            Assert.Equal(0, final.DroppedOverflow + final.DroppedExpired + final.DroppedCorrupt);
        }
        finally
        {
            await edge.DisposeAsync();
        }
    }
}

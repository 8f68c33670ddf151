using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// Issue 14 item 6 (edge half) on a real Mosquitto whose <c>max_packet_size</c> is just above the node's
/// <c>publish.maxMessageBytes</c>: a node with the longest sensor ids and big batches splits its messages by bytes, so
/// the broker never refuses one (it would disconnect the node), and every reading the sensors produced arrives.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MessageSizeTests
{
    private const int MaxMessageBytes = 4096;

    private readonly ITestOutputHelper _output;

    public MessageSizeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task HugeReadings_BatchesSplitByBytes_NoMessageOverTheLimit_NothingRefusedOrLost()
    {
        // The packet adds the topic (~60 bytes) and properties (~20) to the payload.
        await using var broker = await MosquittoServer.StartAsync($"max_packet_size {MaxMessageBytes + 256}");
        string Id(char c) => new string(c, 62) + "-1"; // 64 characters, the longest sensor id
        string sensors = $$"""
            [
              { "id": "{{Id('a')}}", "driver": "simulated", "kind": "environment", "intervalMs": 20, "seed": 1 },
              { "id": "{{Id('b')}}", "driver": "simulated", "kind": "traffic", "intervalMs": 20, "seed": 2 },
              { "id": "{{Id('c')}}", "driver": "simulated", "kind": "bin", "intervalMs": 20, "seed": 3 }
            ]
            """;
        var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(
            broker.Port, sensors, path,
            publishJson: $$"""{ "healthIntervalSeconds": 2, "maxBatchDelayMs": 500, "maxBatchReadings": 5000, "maxMessageBytes": {{MaxMessageBytes}} }"""));
        MqttCollector? subscriber = null;
        try
        {
            // The hub subscribes only once 600 readings wait in the buffer (held: nobody subscribed), so they leave in
            // batches far larger than one message may be: a node that keeps up sends each reading at once, in small messages.
            await MqttCollector.WaitUntilAsync(() => edge.Node.Buffer.GetStats().Readings >= 600, TimeSpan.FromSeconds(30), "600 readings held");
            subscriber = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/v1/+/+/+/telemetry", persistent: true, clientId: "citybrain-hub-size");
            var hub = subscriber;
            await MqttCollector.WaitUntilAsync(() => TelemetryLedger.From(hub.Messages).BySeq.Count >= 600, TimeSpan.FromSeconds(30), "600 readings");
            await edge.StopAsync();
            var final = edge.Node.Buffer.GetStats();
            await MqttCollector.WaitUntilAsync(() => TelemetryLedger.From(hub.Messages).BySeq.Count >= final.NextSeq, TimeSpan.FromSeconds(10), "the last readings");

            long produced = edge.Node.Runners.Sum(r => r.State.Snapshot() is var s ? s.Sampled - s.Filtered : 0);
            var telemetry = hub.OnTopicEndingWith("/telemetry");
            var ledger = TelemetryLedger.From(telemetry);
            int largest = telemetry.Max(m => m.Payload.Length);
            _output.WriteLine($"sensors produced {produced}; {ledger}; largest message {largest} bytes; reconnects {edge.Node.Connection.Reconnects}; publish failures {edge.Node.Publisher.Failures}");

            Assert.All(telemetry, m => Assert.InRange(m.Payload.Length, 1, MaxMessageBytes));
            Assert.True(largest > MaxMessageBytes / 2, "messages were not filled: the test did not exercise the split");
            Assert.Equal(0, edge.Node.Connection.Reconnects);
            Assert.Equal(0, edge.Node.Publisher.Failures);
            Assert.Equal(produced, final.NextSeq);
            Assert.True(ledger.HasAll(0, produced - 1));
            Assert.Equal(produced, ledger.BySeq.Count);
        }
        finally
        {
            await edge.DisposeAsync();
            if (subscriber is not null)
            {
                await subscriber.DisposeAsync();
            }
        }
    }
}

using Microsoft.Extensions.Logging;
using System.Text.Json;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

[Trait("Category", "Integration")]
public sealed class EdgeBrokerTests
{
    private const string Sensors = """
        [
          { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 1 },
          { "id": "bin-07", "driver": "simulated", "kind": "bin", "intervalMs": 200, "seed": 7 },
          { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 150, "seed": 11 }
        ]
        """;

    private readonly ITestOutputHelper _output;

    public EdgeBrokerTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Node_AnnouncesItselfPublishesTelemetryAndHealth_AndTheWillFlipsItOffline()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/#");
        var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, Sensors, path));
        try
        {
            await MqttCollector.WaitUntilAsync(() => sub.OnTopicEndingWith("/health").Count > 0 && sub.OnTopicEndingWith("/telemetry").Count > 3, TimeSpan.FromSeconds(20), "status, telemetry and health");

            var birth = JsonSerializer.Deserialize<StatusMessage>(sub.OnTopicEndingWith("/status")[0].Payload, ContractJson.Options)!;
            Assert.Equal("citybrain/v1/harbour/g-0417/n-test-01/status", sub.OnTopicEndingWith("/status")[0].Topic);
            Assert.Equal(StatusMessage.Online, birth.State);
            Assert.Equal(["loop-01", "bin-07", "env-01"], birth.Sensors!.Select(s => s.Id));
            Assert.Equal(100, birth.Sensors![0].IntervalMs);

            var health = JsonSerializer.Deserialize<HealthMessage>(sub.OnTopicEndingWith("/health")[0].Payload, ContractJson.Options)!;
            Assert.True(health.Publish.Connected);
            Assert.Equal(3, health.Sensors.Count);

            var ledger = TelemetryLedger.From(sub.Messages);
            Assert.Empty(ledger.Gaps());
            Assert.All(ledger.BySeq.Values, r => Assert.Contains(r.Sensor, new[] { "loop-01", "bin-07", "env-01" }));

            // Kill the connection without a clean DISCONNECT: the broker publishes the node's Will.
            int births = sub.OnTopicEndingWith("/status").Count(m => m.Text.Contains("\"online\"", StringComparison.Ordinal));
            await edge.Node.Connection.Client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptionsBuilder().WithReason(MQTTnet.MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build());
            await MqttCollector.WaitUntilAsync(
                () => sub.OnTopicEndingWith("/status").Any(m => m.Text.Contains("\"connection_lost\"", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10),
                "the Will (status offline, connection_lost)");

            // ...and the node reconnects by itself and announces itself online again.
            await MqttCollector.WaitUntilAsync(
                () => sub.OnTopicEndingWith("/status").Count(m => m.Text.Contains("\"online\"", StringComparison.Ordinal)) > births,
                TimeSpan.FromSeconds(10),
                "a new birth after reconnecting");
        }
        finally
        {
            await edge.DisposeAsync();
        }

        await MqttCollector.WaitUntilAsync(
            () => sub.OnTopicEndingWith("/status").Any(m => m.Text.Contains("\"shutdown\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "status offline (shutdown) after a clean stop");
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task BrokerRestartedMidStream_NodeReconnectsByItself_AndNothingIsLost(string bufferKind)
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/v1/+/+/+/telemetry", persistent: true, clientId: "city-brain-test");
        await using var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, Sensors, path, bufferKind), Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug)));

        await MqttCollector.WaitUntilAsync(() => TelemetryLedger.From(sub.Messages).BySeq.Count > 50, TimeSpan.FromSeconds(20), "telemetry before the outage");
        long beforeOutage = TelemetryLedger.From(sub.Messages).MaxSeq;

        await broker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself: the node keeps reading into its buffer
        await broker.StartProcessAsync();

        // Everything the node numbered up to now and 30 more, with no hole from seq 0 (not only between the lowest and
        // highest received), while it runs.
        long numbered = edge.Node.Buffer.GetStats().NextSeq;
        var ledger = new TelemetryLedger();
        await MqttCollector.WaitUntilAsync(
            () => ledger.Update(sub.Messages).HasAll(0, numbered + 30),
            TimeSpan.FromSeconds(30),
            $"every seq 0..{numbered + 30} after the broker restart");
        _output.WriteLine($"{bufferKind} buffer: before outage up to seq {beforeOutage}; reconnects {edge.Node.Connection.Reconnects}");
        Assert.True(edge.Node.Connection.Reconnects >= 1);

        // Against what the sensors produced: every reading received, still buffered or counted; none counted here.
        await EdgeGroundTruth.StopAndReconcileAsync(edge, sub, ledger, firstSeq: 0, _output);
        Assert.Equal(0, edge.Node.Health.Snapshot().Buffer.Dropped.Values.Sum());
    }
}

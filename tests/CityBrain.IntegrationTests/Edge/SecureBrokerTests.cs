using System.Security.Cryptography.X509Certificates;
using CityBrain.IntegrationTests.Broker;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// The production set-up on a real Mosquitto loaded with deploy/mosquitto/mosquitto.conf and deploy/mosquitto/acl as
/// shipped (<see cref="ShippedBroker"/>: only ports and certificate, password, ACL and persistence paths substituted):
/// TLS with a private CA, per-node credentials. A node publishes over TLS; anonymous clients (TLS or the plain
/// loopback listener) and plain TCP to the TLS listener are refused; a node's credentials cannot publish under another
/// node's topics.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SecureBrokerTests
{
    private const string NodeId = "n-tls-01";
    private const string HubUser = "citybrain-hub-a";

    private const string Sensors = """
        [ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 200, "seed": 11 } ]
        """;

    [Fact]
    public async Task ShippedConfig_TlsCredentialsAndAcl_NodePublishes_StrangersAndForgeriesAreRefused()
    {
        await using var broker = await ShippedBroker.StartAsync(NodeId, HubUser);
        string ca = broker.CaFile;
        await using var hub = await MqttCollector.StartAsync("127.0.0.1", broker.TlsPort, ["citybrain/#"], clientId: HubUser, configure: b => broker.Secure(b, HubUser));

        string passwordFile = Path.Combine(broker.Directory, "node.password");
        await File.WriteAllTextAsync(passwordFile, ShippedBroker.Password + NodeId + "\n");
        await using (var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.TlsPort, Sensors, path, nodeId: NodeId)
            .Replace(
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.TlsPort},",
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.TlsPort}, \"username\": \"{NodeId}\", \"passwordFile\": \"{passwordFile}\", \"tls\": {{ \"enabled\": true, \"caFile\": \"{ca}\", \"serverName\": \"localhost\" }},",
                StringComparison.Ordinal)))
        {
            await MqttCollector.WaitUntilAsync(() => hub.OnTopicEndingWith($"/{NodeId}/telemetry").Count >= 3, TimeSpan.FromSeconds(20), "telemetry over TLS with credentials");
            Assert.Contains(hub.OnTopicEndingWith($"/{NodeId}/status"), m => m.Text.Contains("\"online\"", StringComparison.Ordinal));
        }

        // Anonymous over TLS, and anonymous on the plain loopback listener: refused.
        foreach (var (port, tls) in new[] { (broker.TlsPort, true), (broker.PlainPort, false) })
        {
            using var anonymous = new MqttClientFactory().CreateMqttClient();
            var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithTimeout(TimeSpan.FromSeconds(5));
            if (tls)
            {
                builder.WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(LoadCa(ca)).WithRevocationMode(X509RevocationMode.NoCheck));
            }

            MqttClientConnectResult? result = null;
            var refused = await Record.ExceptionAsync(async () => result = await anonymous.ConnectAsync(builder.Build()));
            Assert.True(refused is not null || result!.ResultCode != MqttClientConnectResultCode.Success, $"an anonymous client was let in on port {port} (tls {tls})");
            Assert.False(anonymous.IsConnected);
        }

        // Plain TCP to the TLS listener: no MQTT session.
        using (var plain = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.TlsPort).WithCredentials(NodeId, ShippedBroker.Password + NodeId).WithTimeout(TimeSpan.FromSeconds(3)).Build();
            await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(options));
        }

        // A node's credentials cannot forge another node's telemetry: the ACL drops it; its own topic still works.
        using (var rogue = new MqttClientFactory().CreateMqttClient())
        {
            await rogue.ConnectAsync(broker.Client(NodeId, "rogue").Build());
            var forged = await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("citybrain/v1/harbour/g-0417/n-other/telemetry").WithPayload("forged"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"citybrain/v1/harbour/g-0417/{NodeId}/health").WithPayload("{}"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await MqttCollector.WaitUntilAsync(() => hub.Messages.Any(m => m.Topic.EndsWith($"/{NodeId}/health", StringComparison.Ordinal) && m.Text == "{}"), TimeSpan.FromSeconds(10), "the node's own health topic");
            Assert.DoesNotContain(hub.Messages, m => m.Topic.Contains("n-other", StringComparison.Ordinal));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        }
    }

    private static X509Certificate2Collection LoadCa(string path) => MosquittoSecurity.LoadCa(path);
}

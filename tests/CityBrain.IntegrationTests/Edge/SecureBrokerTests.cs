using System.Security.Cryptography.X509Certificates;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// The production set-up on a real Mosquitto: TLS with a private CA, per-node credentials, and the shipped ACL
/// (deploy/mosquitto/acl). A node publishes over TLS; anonymous and plain-TCP clients are refused; a node's
/// credentials cannot publish under another node's topics.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SecureBrokerTests
{
    private const string NodeId = "n-tls-01";
    private const string NodePassword = "node-secret-1";
    private const string HubUser = "citybrain-hub-a";
    private const string HubPassword = "hub-secret-1";

    private const string Sensors = """
        [ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 200, "seed": 11 } ]
        """;

    [Fact]
    public async Task TlsCredentialsAndAcl_NodePublishes_StrangersAndForgeriesAreRefused()
    {
        await using var broker = await SecureMosquitto.StartAsync(new Dictionary<string, string> { [NodeId] = NodePassword, [HubUser] = HubPassword });
        string ca = Path.Combine(broker.Directory, "ca.pem");
        void Tls(MqttClientOptionsBuilder b, string user, string password) => b
            .WithCredentials(user, password)
            .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(LoadCa(ca)).WithRevocationMode(X509RevocationMode.NoCheck));

        await using var hub = await MqttCollector.StartAsync(broker.Host, broker.Port, ["citybrain/#"], clientId: "hub-test", configure: b => Tls(b, HubUser, HubPassword));

        string passwordFile = Path.Combine(broker.Directory, "node.password");
        await File.WriteAllTextAsync(passwordFile, NodePassword + "\n");
        await using (var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, Sensors, path, nodeId: NodeId)
            .Replace(
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.Port},",
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.Port}, \"username\": \"{NodeId}\", \"passwordFile\": \"{passwordFile}\", \"tls\": {{ \"enabled\": true, \"caFile\": \"{ca}\", \"serverName\": \"localhost\" }},",
                StringComparison.Ordinal)))
        {
            await MqttCollector.WaitUntilAsync(() => hub.OnTopicEndingWith($"/{NodeId}/telemetry").Count >= 3, TimeSpan.FromSeconds(20), "telemetry over TLS with credentials");
            Assert.Contains(hub.OnTopicEndingWith($"/{NodeId}/status"), m => m.Text.Contains("\"online\"", StringComparison.Ordinal));
        }

        // Anonymous over TLS: refused.
        using (var anonymous = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithTimeout(TimeSpan.FromSeconds(5))
                .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(LoadCa(ca)).WithRevocationMode(X509RevocationMode.NoCheck)).Build();
            MqttClientConnectResult? result = null;
            var refused = await Record.ExceptionAsync(async () => result = await anonymous.ConnectAsync(options));
            Assert.True(refused is not null || result!.ResultCode != MqttClientConnectResultCode.Success, "an anonymous client was let in");
            Assert.False(anonymous.IsConnected);
        }

        // Plain TCP to the TLS listener: no MQTT session.
        using (var plain = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithCredentials(NodeId, NodePassword).WithTimeout(TimeSpan.FromSeconds(3)).Build();
            await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(options));
        }

        // A node's credentials cannot forge another node's telemetry: the ACL drops it; its own topic still works.
        using (var rogue = new MqttClientFactory().CreateMqttClient())
        {
            var options = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("rogue").WithTimeout(TimeSpan.FromSeconds(5));
            Tls(options, NodeId, NodePassword);
            await rogue.ConnectAsync(options.Build());
            var forged = await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("citybrain/v1/harbour/g-0417/n-other/telemetry").WithPayload("forged"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await rogue.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"citybrain/v1/harbour/g-0417/{NodeId}/health").WithPayload("{}"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await MqttCollector.WaitUntilAsync(() => hub.Messages.Any(m => m.Topic.EndsWith($"/{NodeId}/health", StringComparison.Ordinal) && m.Text == "{}"), TimeSpan.FromSeconds(10), "the node's own health topic");
            Assert.DoesNotContain(hub.Messages, m => m.Topic.Contains("n-other", StringComparison.Ordinal));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        }
    }

    private static X509Certificate2Collection LoadCa(string path) => SecureMosquitto.LoadCa(path);
}

using CityBrain.Testing.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Broker;

/// <summary>
/// Issue 14 item 3 on Mosquitto loaded with the shipped configuration (<see cref="ShippedBroker"/>): client ids are
/// bound to user names, so a node's credentials cannot take over or discard a hub instance's session, and nodes cannot
/// kick each other off.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShippedBrokerConfigTests
{
    private const string Hub = "citybrain-hub-a";
    private const string NodeA = "n-a";
    private const string NodeB = "n-b";
    private const string TelemetryA = "citybrain/v1/harbour/g-0417/n-a/telemetry";

    [Fact]
    public async Task HubSession_NodeCredentialsWithTheHubsClientIdAndCleanStart_CannotDiscardIt()
    {
        await using var broker = await ShippedBroker.StartAsync(Hub, NodeA, NodeB);

        // The hub subscribes with a persistent session, then goes away.
        await using (await MqttCollector.StartAsync("127.0.0.1", broker.TlsPort, ["$share/citybrain-hub/citybrain/v1/+/+/+/telemetry"], persistent: true, clientId: Hub, configure: b => broker.Secure(b, Hub)))
        {
        }

        // A node publishes while the hub is away: queued for the hub's session (not "no matching subscribers").
        using var node = new MqttClientFactory().CreateMqttClient();
        await node.ConnectAsync(broker.Client(NodeA, NodeA).Build());
        for (int i = 0; i < 5; i++)
        {
            var ack = await node.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(TelemetryA).WithPayload([(byte)('0' + i)]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        }

        // Another node's credentials ask for the hub's client id with Clean Start: the broker gives it its own id.
        using (var rogue = new MqttClientFactory().CreateMqttClient())
        {
            var connected = await rogue.ConnectAsync(broker.Client(NodeB, Hub, cleanStart: true).Build());
            Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
            Assert.False(connected.IsSessionPresent);
            await rogue.DisconnectAsync();
        }

        // The hub comes back: its session is there with every queued message.
        using var hub = new MqttClientFactory().CreateMqttClient();
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        hub.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        var back = await hub.ConnectAsync(broker.Client(Hub, Hub, cleanStart: false).Build());
        Assert.True(back.IsSessionPresent, "the hub's session was discarded");
        await MqttCollector.WaitUntilAsync(() => received.Count >= 5, TimeSpan.FromSeconds(10), "the 5 queued messages at the hub");
        Assert.Equal(["0", "1", "2", "3", "4"], received.Order());
        await hub.DisconnectAsync();
    }

    [Fact]
    public async Task Nodes_ConnectingWithAnotherNodesClientId_DoNotKickItOff()
    {
        await using var broker = await ShippedBroker.StartAsync(Hub, NodeA, NodeB);
        using var a = new MqttClientFactory().CreateMqttClient();
        int disconnects = 0;
        a.DisconnectedAsync += _ =>
        {
            Interlocked.Increment(ref disconnects);
            return Task.CompletedTask;
        };
        await a.ConnectAsync(broker.Client(NodeA, NodeA).Build());

        using var b = new MqttClientFactory().CreateMqttClient();
        var bConnected = await b.ConnectAsync(broker.Client(NodeB, NodeA).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, bConnected.ResultCode);

        // A takeover closes the old connection before the new one's CONNACK: A would fail here.
        var ack = await a.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(TelemetryA).WithPayload("x"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(ack.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers, ack.ReasonCode.ToString());
        Assert.True(a.IsConnected);
        Assert.Equal(0, Volatile.Read(ref disconnects));

        // B is still only B: n-a's topic is not its to write.
        var forged = await b.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(TelemetryA).WithPayload("forged"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        await b.DisconnectAsync();
        await a.DisconnectAsync();
    }
}

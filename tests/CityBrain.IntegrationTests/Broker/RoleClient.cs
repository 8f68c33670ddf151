using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Broker;

/// <summary>One broker user of the generated ACL, connected over TLS with its own credentials: what it subscribes to (with the SUBACK codes), receives and publishes (with the PUBACK codes).</summary>
internal sealed class RoleClient : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private RoleClient(string user, IMqttClient client)
    {
        User = user;
        _client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
    }

    public string User { get; }

    /// <summary>Topics of the messages received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public static async Task<RoleClient> ConnectAsync(ShippedBroker broker, string user)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var role = new RoleClient(user, client);
        var result = await client.ConnectAsync(broker.Client(user, user).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return role;
    }

    /// <summary>Subscribes to one filter; the broker's answer.</summary>
    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.Items.Single().ResultCode;
    }

    /// <summary>Publishes at QoS 1; the broker's PUBACK reason.</summary>
    public async Task<MqttClientPublishReasonCode> PublishAsync(string topic, bool retain = false)
    {
        var ack = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("{}"u8.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build());
        return ack.ReasonCode;
    }

    /// <summary>Publishes and asserts the broker accepted it (with or without a subscriber).</summary>
    public async Task PublishAcceptedAsync(string topic, bool retain = false)
    {
        var code = await PublishAsync(topic, retain);
        Assert.True(code is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers, $"{User} publishing {topic}: {code}");
    }

    public async Task WaitForAsync(string topic) =>
        await CityBrain.Testing.Mqtt.MqttCollector.WaitUntilAsync(() => Received.Contains(topic), TimeSpan.FromSeconds(10), $"{User} to receive {topic}");

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}

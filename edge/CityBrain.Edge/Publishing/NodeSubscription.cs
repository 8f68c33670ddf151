using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Publishing;

/// <summary>Subscribes the node to one of its own topics (cmd, config, ack) after every connect.</summary>
internal static class NodeSubscription
{
    /// <summary>Subscribes with QoS 1; returns null when granted, else the broker's result code (usually the ACL refused it).</summary>
    public static async Task<MqttClientSubscribeResultCode?> SubscribeAsync(IMqttClient client, string topic, CancellationToken cancellationToken)
    {
        var result = await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        var code = result.Items.FirstOrDefault()?.ResultCode;
        return code is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2
            ? null
            : code ?? MqttClientSubscribeResultCode.UnspecifiedError;
    }
}

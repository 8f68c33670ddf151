using CityBrain.Sensing.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// Publishes alerts over MQTT, QoS 1, on <see cref="AlertTopics.For"/>: raised and acknowledged alerts retained (a
/// late subscriber sees every active alert); a cleared alert is published once not retained, then the retained
/// message is deleted (empty retained payload). The connection is the caller's (a supervised <see cref="IMqttClient"/>).
/// </summary>
public sealed class MqttAlertPublisher(IMqttClient client) : IAlertPublisher
{
    public async Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            throw new InvalidOperationException("The MQTT client is not connected.");
        }

        string topic = AlertTopics.For(alert);
        byte[] payload = ContractJson.Serialize(AlertMessage.From(alert), HubJsonContext.Default.AlertMessage);
        if (alert.IsActive)
        {
            await SendAsync(topic, payload, retain: true, cancellationToken);
        }
        else
        {
            await SendAsync(topic, payload, retain: false, cancellationToken);
            await SendAsync(topic, [], retain: true, cancellationToken);
        }
    }

    private async Task SendAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .WithContentType("application/json")
            .Build();
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused alert message on '{topic}': {result.ReasonCode} {result.ReasonString}");
        }
    }
}

using CityBrain.Sensing.Catalogue;
using CityBrain.Sensing.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Catalogue;

/// <summary>
/// Publishes the quantity catalogue file, unchanged, on <see cref="Topics.Catalogue"/>: QoS 1, retained, so a
/// consumer that subscribes gets the catalogue its hub checks against at once. The connection is the caller's.
/// </summary>
public sealed class CataloguePublisher(IMqttClient client, QuantityCatalogue catalogue)
{
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Catalogue)
            .WithPayload(new System.Buffers.ReadOnlySequence<byte>(catalogue.Json))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .WithContentType("application/json")
            .Build();
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the catalogue on '{Topics.Catalogue}': {result.ReasonCode} {result.ReasonString}");
        }
    }
}

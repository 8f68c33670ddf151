using CityBrain.Hub.Catalogue;
using CityBrain.Sensing.Catalogue;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using MQTTnet;

namespace CityBrain.Hub.Tests.Catalogue;

/// <summary>The catalogue publisher against a real Mosquitto: a consumer that subscribes later gets the file, retained.</summary>
public sealed class CataloguePublisherTests
{
    [Fact]
    public async Task Publish_LateSubscriber_GetsTheCatalogueFileRetained()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("hub-catalogue").Build(), cts.Token);

        await new CataloguePublisher(client, QuantityCatalogue.Default).PublishAsync(cts.Token);

        await using var consumer = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/v1/_catalogue/#");
        await MqttCollector.WaitUntilAsync(() => !consumer.Messages.IsEmpty, TimeSpan.FromSeconds(10), "the retained catalogue");
        var message = Assert.Single(consumer.Messages);
        Assert.Equal(Topics.Catalogue, message.Topic);
        Assert.True(message.Retain);
        Assert.Equal(File.ReadAllBytes(RepoPaths.Combine("firmware-config", "catalogue", "quantities.json")), message.Payload);
        Assert.Equal(QuantityCatalogue.Default.Entries.Count, QuantityCatalogue.Load(message.Payload).Entries.Count);
    }
}

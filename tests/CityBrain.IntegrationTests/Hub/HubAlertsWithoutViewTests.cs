using System.Collections.Concurrent;
using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.IntegrationTests.Notifications;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Alerts belong to the hub: a hub composed with <c>AddCityBrainHub</c> alone (no operators' view) raises them, publishes
/// them on the alerts topic and notifies its webhook.
/// </summary>
public sealed class HubAlertsWithoutViewTests
{
    [Fact]
    public async Task NodeGoesOffline_HubWithoutView_PublishesTheAlertAndNotifiesTheWebhook()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        using var dir = new TempDirectory("hub-no-view");
        await using var receiver = new WebhookReceiver(FreePort.Get(), "no-view-key");
        receiver.Start();
        string json = JsonSerializer.Serialize(new
        {
            Hub = new
            {
                InstanceName = "hub-no-view",
                Mqtt = new { Host = "127.0.0.1", Port = broker.Port, ClientId = "hub-no-view" },
                Sinks = new[] { HubConfig.InfluxV1(influx.Url, "citybrain") },
                Alerts = new { TickInterval = "00:00:00.2", Rules = new[] { new { Id = "node-offline", Kind = "offline" } } },
                Notifications = new
                {
                    OutboxPath = dir.Combine("outbox"),
                    Webhooks = new[] { new { Id = "ops", Url = receiver.Url, SigningKey = "no-view-key", Timeout = "00:00:02" } },
                    Levels = new { Grid = new[] { "ops" } },
                },
            },
        });
        await using var hub = await InProcessHub.StartAsync(json);

        var factory = new MqttClientFactory();
        using var cityBrain = factory.CreateMqttClient();
        var raised = new ConcurrentQueue<(string Topic, string State)>();
        cityBrain.ApplicationMessageReceivedAsync += e =>
        {
            if (!e.ApplicationMessage.Payload.IsEmpty)
            {
                var alert = JsonSerializer.Deserialize<AlertMessage>(e.ApplicationMessage.Payload.FirstSpan, ContractJson.Options)!;
                raised.Enqueue((e.ApplicationMessage.Topic, alert.State));
            }

            return Task.CompletedTask;
        };
        await cityBrain.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("city-brain").Build(), cts.Token);
        await cityBrain.SubscribeAsync(AlertTopics.All, MqttQualityOfServiceLevel.AtLeastOnce, cts.Token);

        using var node = factory.CreateMqttClient();
        await node.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("node-7").Build(), cts.Token);
        var messages = new NodeMessages("harbour", "h1", "node-7");
        var now = DateTimeOffset.UtcNow;
        const string topic = "citybrain/v1/harbour/h1/node-7/status";
        await node.PublishAsync(Status(topic, messages.Online(now)), cts.Token);
        await node.PublishAsync(Status(topic, messages.Offline(now)), cts.Token);

        await Poll.UntilAsync(() => !raised.IsEmpty, TimeSpan.FromSeconds(30), "the node-offline alert on the alerts topic");
        Assert.Equal(("citybrain/v1/_alerts/harbour/h1/node-7/node-offline", "raised"), raised.First());
        await Poll.UntilAsync(() => !receiver.Received.IsEmpty, TimeSpan.FromSeconds(30), "the node-offline alert at the webhook");
        var notified = receiver.Received.First();
        Assert.Equal(("node-7", "node-offline", "raised", true), (notified.Message.Alert.Node, notified.Message.Alert.Rule, notified.Message.Event, notified.SignatureValid));
    }

    private static MqttApplicationMessage Status(string topic, StatusMessage status) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(JsonSerializer.SerializeToUtf8Bytes(status, ContractJsonContext.Default.StatusMessage))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag()
        .Build();
}

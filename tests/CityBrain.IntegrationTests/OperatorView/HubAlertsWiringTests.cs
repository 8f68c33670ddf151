using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Service.OperatorView;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>
/// The hub as the lead wires it (<c>AddOperatorView</c> + <c>AddMqttAlertPublisher</c>): an alert raised from an
/// observed message, acknowledged over HTTP and cleared, reaches a city-brain subscriber through a real Mosquitto.
/// </summary>
public sealed class HubAlertsWiringTests
{
    [Fact]
    public async Task Alert_RaisedAcknowledgedCleared_IsPublishedOnTheAlertsTopic()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await MosquittoServer.StartAsync();
        var factory = new MqttClientFactory();
        using var hubClient = factory.CreateMqttClient();
        await hubClient.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("hub").Build(), cts.Token);
        using var cityBrain = factory.CreateMqttClient();
        var received = new ConcurrentQueue<(string Topic, string? State, bool Retain)>();
        cityBrain.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload;
            string? state = payload.IsEmpty ? null : JsonSerializer.Deserialize<AlertMessage>(payload.ToArray(), ContractJson.Options)!.State;
            received.Enqueue((e.ApplicationMessage.Topic, state, e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await cityBrain.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("city-brain").Build(), cts.Token);
        await cityBrain.SubscribeAsync(AlertTopics.All, MqttQualityOfServiceLevel.AtLeastOnce, cts.Token);

        await using var hub = await HubViewHost.StartAsync(
            new Dictionary<string, string?> { ["Hub:Alerts:Rules:0:Id"] = "node-offline", ["Hub:Alerts:Rules:0:Kind"] = "offline" },
            services => services.AddMqttAlertPublisher(_ => hubClient));
        var node = new NodeMessages("harbour", "h1", "node-7");
        var now = DateTimeOffset.UtcNow;
        hub.Observer.OnStatus(node.Topic("status"), node.Online(now), now);
        hub.Observer.OnStatus(node.Topic("status"), node.Offline(now), now);
        string id = Assert.Single(hub.Alerts.GetActive()).Id;

        using var http = new HttpClient { BaseAddress = new Uri(hub.BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        using var ack = new HttpRequestMessage(HttpMethod.Post, $"/api/alerts/{id}/ack");
        ack.Headers.Add(OperatorViewEndpoints.AckHeader, "ack");
        (await http.SendAsync(ack, cts.Token)).EnsureSuccessStatusCode();
        node.Boot = "boot-2";
        hub.Observer.OnStatus(node.Topic("status"), node.Online(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);

        while (received.Count < 4 && !cts.IsCancellationRequested)
        {
            await Task.Delay(20, cts.Token);
        }

        const string Topic = "citybrain/v1/_alerts/harbour/h1/node-7/node-offline";
        Assert.Equal(
            [(Topic, "raised", false), (Topic, "acknowledged", false), (Topic, "cleared", false), (Topic, null, false)],
            received.ToList<(string, string?, bool)>());
    }
}

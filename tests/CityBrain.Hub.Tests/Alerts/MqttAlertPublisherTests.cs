using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Tests.Alerts;

/// <summary>The MQTT alert publisher against a real Mosquitto: retained while active, deleted after the clear.</summary>
public sealed class MqttAlertPublisherTests
{
    private static readonly DateTimeOffset Raised = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static Alert Sample() => new()
    {
        Id = "abc-1",
        Rule = "bin-full",
        Kind = AlertKinds.Threshold,
        Severity = AlertSeverities.Warning,
        State = AlertStates.Raised,
        Node = "node-1",
        Sensor = "bin-07",
        Quantity = "fill_level",
        District = "centre",
        Grid = "c4",
        Street = "elm-street",
        Value = 93.5,
        Unit = "%",
        Threshold = 90,
        Message = "fill_level 93.5 % above 90",
        RaisedAt = Raised,
    };

    private static async Task<IMqttClient> ConnectAsync(MosquittoServer broker, string id)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(id).Build(), cts.Token);
        return client;
    }

    /// <summary>Subscribes to the alerts and a sentinel topic; returns what arrived before the sentinel came back.</summary>
    private static async Task<List<(string Topic, byte[] Payload, bool Retain)>> RetainedAsync(MosquittoServer broker)
    {
        var got = new ConcurrentQueue<(string, byte[], bool)>();
        var sentinel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = await ConnectAsync(broker, "probe-" + Guid.NewGuid().ToString("N")[..8]);
        sub.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == "test/sentinel")
            {
                sentinel.TrySetResult();
            }
            else
            {
                got.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            }

            return Task.CompletedTask;
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await sub.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(AlertTopics.All, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("test/sentinel", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cts.Token);
        await sub.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("test/sentinel").WithPayload("x"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
        await sentinel.Task.WaitAsync(cts.Token);
        return [.. got];
    }

    [Fact]
    public async Task Publish_RaisedThenCleared_IsRetainedWhileActiveAndDeletedAfter()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var client = await ConnectAsync(broker, "hub-alerts");
        var publisher = new MqttAlertPublisher(client);
        var live = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        using var watcher = await ConnectAsync(broker, "watcher");
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            live.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(AlertTopics.All, MqttQualityOfServiceLevel.AtLeastOnce);
        var alert = Sample();

        await publisher.PublishAsync(alert, CancellationToken.None);

        var retained = Assert.Single(await RetainedAsync(broker));
        Assert.Equal("citybrain/v1/_alerts/centre/c4/node-1/bin-full/bin-07", retained.Topic);
        Assert.StartsWith(Topics.AlertsFor("centre", "c4", "node-1") + "/", retained.Topic, StringComparison.Ordinal);
        Assert.True(retained.Retain);
        var message = JsonSerializer.Deserialize<AlertMessage>(retained.Payload, ContractJson.Options)!;
        Assert.Equal(("abc-1", "raised", 93.5, Raised.ToUnixTimeMilliseconds()), (message.Id, message.State, message.Value!.Value, message.RaisedTs));

        await publisher.PublishAsync(alert with { State = AlertStates.Cleared, ClearedAt = Raised.AddMinutes(7), Value = 70 }, CancellationToken.None);

        Assert.Empty(await RetainedAsync(broker));
        await Poll.UntilAsync(() => live.Count >= 3, TimeSpan.FromSeconds(10), "raised, cleared and the deletion seen by a live subscriber");

        var states = live.Select(m => m.Payload.Length == 0 ? "(deleted)" : JsonSerializer.Deserialize<AlertMessage>(m.Payload, ContractJson.Options)!.State).ToList();
        Assert.Equal(["raised", "cleared", "(deleted)"], states);
        using var doc = JsonDocument.Parse(live.ElementAt(1).Payload);
        Assert.Equal(Raised.AddMinutes(7).ToUnixTimeMilliseconds(), doc.RootElement.GetProperty("clearedTs").GetInt64());
    }

    [Fact]
    public async Task Publish_Disconnected_Throws()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var publisher = new MqttAlertPublisher(client);

        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync(Sample(), CancellationToken.None));
    }
}

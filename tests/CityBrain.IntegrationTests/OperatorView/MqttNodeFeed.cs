using System.Buffers;
using System.Text.Json;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>
/// A small in-test stand-in for the hub's ingest: subscribes to every node's status, health and telemetry on a real
/// broker, decodes them with the contract's codecs and calls <see cref="INodeObserver"/>, as the ingest will.
/// </summary>
internal sealed class MqttNodeFeed(INodeObserver observer, TimeProvider time) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public async Task StartAsync(string host, int port, CancellationToken cancellationToken)
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Dispatch(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
        await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("hub-feed").Build(), cancellationToken);
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllHealth, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllTelemetry, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken);
    }

    private void Dispatch(string topic, ReadOnlySequence<byte> payload)
    {
        if (!Topics.TryParseNodeTopic(topic, out var parsed, out _))
        {
            return;
        }

        var now = time.GetUtcNow();
        switch (parsed.Kind)
        {
            case Topics.Telemetry when TelemetryCodec.TryRead(payload, out var telemetry, out _):
                observer.OnTelemetry(parsed, telemetry!, now);
                break;
            case Topics.Status:
                observer.OnStatus(parsed, payload.IsEmpty ? null : JsonSerializer.Deserialize<StatusMessage>(payload.ToArray(), ContractJson.Options), now);
                break;
            case Topics.Health when !payload.IsEmpty:
                observer.OnHealth(parsed, JsonSerializer.Deserialize<HealthMessage>(payload.ToArray(), ContractJson.Options)!, now);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
        }

        _client.Dispose();
    }
}

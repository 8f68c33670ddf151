using System.Collections.Concurrent;
using System.Text.Json;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>An MQTT 5 test client: publishes QoS 1 (raw or telemetry) and collects dead letters.</summary>
public sealed class TestMqtt : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private TestMqtt(IMqttClient client) => _client = client;

    public ConcurrentQueue<DeadLetterMessage> DeadLetters { get; } = new();

    public static async Task<TestMqtt> ConnectAsync(int port, string clientId, bool listenForDeadLetters = false)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var mqtt = new TestMqtt(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.DeadLetter)
            {
                var reader = new Utf8JsonReader(e.ApplicationMessage.Payload);
                mqtt.DeadLetters.Enqueue(JsonSerializer.Deserialize<DeadLetterMessage>(ref reader, ContractJson.Options)!);
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCleanStart(true).Build());
        if (listenForDeadLetters)
        {
            await client.SubscribeAsync(Topics.DeadLetter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return mqtt;
    }

    public async Task PublishAsync(string topic, byte[] payload)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new InvalidOperationException($"publish to {topic} failed: {result.ReasonCode}");
        }
    }

    public Task PublishTelemetryAsync(string district, string grid, string node, TelemetryMessage message) =>
        PublishAsync($"{Topics.Prefix}{district}/{grid}/{node}/{Topics.Telemetry}", TelemetryCodec.Serialize(message));

    /// <summary>A telemetry message with readings seq..seq+count-1: sensor s{seq%sensors}, value seq/10, ts base+seq.</summary>
    public static TelemetryMessage Telemetry(string node, string quantity, long firstSeq, int count, long baseTsMs, int sensors = 4)
    {
        var readings = new List<SequencedReading>(count);
        for (long seq = firstSeq; seq < firstSeq + count; seq++)
        {
            readings.Add(new SequencedReading(seq, new Reading(
                $"s{seq % sensors}", quantity, seq / 10.0, "ug/m3", DateTimeOffset.FromUnixTimeMilliseconds(baseTsMs + seq), (Quality)(seq % 3))));
        }

        return new TelemetryMessage(node, DateTimeOffset.UtcNow, readings);
    }

    public async Task<DeadLetterMessage> WaitForDeadLetterAsync(Func<DeadLetterMessage, bool> match, string what)
    {
        DeadLetterMessage? found = null;
        await Poll.UntilAsync(
            () => (found = DeadLetters.FirstOrDefault(match)) is not null,
            TimeSpan.FromSeconds(15),
            $"a dead letter for {what} arrived (got: {string.Join("; ", DeadLetters.Select(d => d.Code + " " + d.Topic))})");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DisconnectAsync();
        }
        catch (Exception)
        {
        }

        _client.Dispose();
    }
}

using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>An edge node as the broker sees it: retained online status with an offline Will, health, telemetry.</summary>
internal sealed class SimulatedEdgeNode(string district, string grid, string node, string street) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public NodeMessages Messages { get; } = new(district, grid, node, street);

    public string Topic(string kind) => $"{Topics.Prefix}{district}/{grid}/{node}/{kind}";

    public async Task ConnectAsync(string host, int port, CancellationToken ct)
    {
        var connectedAt = DateTimeOffset.UtcNow;
        var will = ContractJson.Serialize(Messages.Offline(connectedAt));
        await _client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId("edge-" + Messages.Node)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithWillTopic(Topic(Topics.Status))
            .WithWillPayload(will)
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), ct);
    }

    public Task OnlineAsync(CancellationToken ct, params (string Sensor, string Quantity, string Unit, long IntervalMs)[] sensors) =>
        PublishAsync(Topics.Status, ContractJson.Serialize(Messages.Online(DateTimeOffset.UtcNow, sensors)), retain: true, ct);

    public Task HealthAsync(CancellationToken ct, params SensorHealth[] sensors) =>
        PublishAsync(Topics.Health, ContractJson.Serialize(Messages.Health(DateTimeOffset.UtcNow, 30, 12, sensors)), retain: true, ct);

    /// <summary>Publishes an hour of history (one reading a minute, for the sparklines) ending with <paramref name="last"/> now.</summary>
    public async Task HistoryAsync(string sensor, string quantity, string unit, Func<int, double> value, double last, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var readings = new List<SequencedReading>();
        var batch = Messages.Telemetry(now, Enumerable.Range(0, 60).Select(i => (sensor, quantity, value(i), unit)).Append((sensor, quantity, last, unit)).ToArray());
        for (int i = 0; i < batch.Readings.Count; i++)
        {
            var (seq, r) = batch.Readings[i];
            readings.Add(new SequencedReading(seq, r with { Timestamp = i < 60 ? now.AddMinutes(i - 60) : now }));
        }

        await PublishAsync(Topics.Telemetry, TelemetryCodec.Serialize(new TelemetryMessage(Messages.Node, now, readings)), retain: false, ct);
    }

    public Task ReadingAsync(string sensor, string quantity, double value, string unit, CancellationToken ct) =>
        PublishAsync(Topics.Telemetry, TelemetryCodec.Serialize(Messages.Telemetry(DateTimeOffset.UtcNow, (sensor, quantity, value, unit))), retain: false, ct);

    /// <summary>Drops the connection so that the broker publishes the Will (MQTT 5 reason "disconnect with Will").</summary>
    public Task LoseConnectionAsync(CancellationToken ct) =>
        _client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.DisconnectWithWillMessage }, ct);

    private async Task PublishAsync(string kind, byte[] payload, bool retain, CancellationToken ct)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topic(kind))
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build(), ct);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to {Topic(kind)} failed: {result.ReasonCode}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

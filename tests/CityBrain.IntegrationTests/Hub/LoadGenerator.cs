using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;
using CityBrain.Sensing.Contract;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Simulated nodes publishing telemetry QoS 1 at a steady rate: node i sends messages of <c>readingsPerMessage</c>
/// readings with consecutive sequence numbers (ts = base + seq, so every reading is a distinct point).
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly IMqttClient[] _clients;
    private readonly string _quantity;
    private readonly int _nodes;
    private readonly int _readingsPerMessage;
    private readonly double _messagesPerSecond;
    private readonly long _baseTs = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
    private readonly long[] _published;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    private LoadGenerator(IMqttClient[] clients, string quantity, int nodes, int readingsPerMessage, double messagesPerSecond, long[]? continueFrom)
    {
        _clients = clients;
        _quantity = quantity;
        _nodes = nodes;
        _readingsPerMessage = readingsPerMessage;
        _messagesPerSecond = messagesPerSecond;
        _published = continueFrom is null ? new long[nodes] : (long[])continueFrom.Clone();
    }

    public static string Node(int i) => $"load-{i}";

    /// <summary>Readings published (and PUBACKed by the broker) per node: seq 0..n-1.</summary>
    public long Published(int node) => Interlocked.Read(ref _published[node]);

    public long PublishedTotal => Enumerable.Range(0, _nodes).Sum(Published);

    public int Nodes => _nodes;

    /// <param name="continueFrom">Per node, the seq to start at (a second generator continuing a first one's sequences,
    /// e.g. after a broker restart); <see cref="Published"/> then counts from 0 as if one generator had run.</param>
    public static async Task<LoadGenerator> StartAsync(int brokerPort, string quantity, int nodes, int readingsPerMessage, double messagesPerSecond, long[]? continueFrom = null)
    {
        var clients = new IMqttClient[nodes];
        for (int i = 0; i < nodes; i++)
        {
            clients[i] = new MqttClientFactory().CreateMqttClient();
            await clients[i].ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithClientId($"{quantity}-gen-{i}").Build());
        }

        var load = new LoadGenerator(clients, quantity, nodes, readingsPerMessage, messagesPerSecond, continueFrom);
        load._run = Task.WhenAll(Enumerable.Range(0, nodes).Select(load.RunNodeAsync));
        return load;
    }

    private async Task RunNodeAsync(int node)
    {
        var clock = Stopwatch.StartNew();
        double perNode = _messagesPerSecond / _nodes;
        long first = Interlocked.Read(ref _published[node]) / _readingsPerMessage;
        long sent = first;
        string topic = $"{Topics.Prefix}d01/g01/{Node(node)}/{Topics.Telemetry}";
        while (!_stop.IsCancellationRequested)
        {
            long seq = sent * _readingsPerMessage;
            var message = TestMqtt.Telemetry(Node(node), _quantity, seq, _readingsPerMessage, _baseTs);
            var result = await _clients[node].PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(TelemetryCodec.Serialize(message))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                CancellationToken.None);
            if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                throw new InvalidOperationException($"publish failed: {result.ReasonCode}");
            }

            sent++;
            Interlocked.Exchange(ref _published[node], sent * _readingsPerMessage);

            // Pacing to the configured rate.
            var due = TimeSpan.FromSeconds((sent - first) / perNode) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var c in _clients)
        {
            try
            {
                await c.DisconnectAsync();
            }
            catch (Exception)
            {
            }

            c.Dispose();
        }

        _stop.Dispose();
    }
}

using System.Diagnostics;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Benchmarks.Hub;

/// <summary>
/// Many simulated nodes spread over several MQTTnet clients, each keeping a window of QoS 1 publishes in flight.
/// Every message carries the current time as the readings' source timestamp (for end-to-end latency). Payloads are
/// rendered from a per-node template encoded once by <see cref="TelemetryCodec"/> (sequence numbers and timestamps
/// patched in place), so the generator's CPU goes to MQTT rather than to JSON encoding.
/// </summary>
public sealed class HubLoadGenerator : IAsyncDisposable
{
    private readonly IMqttClient[] _clients;
    private readonly int _nodes;
    private readonly int _readings;
    private readonly string[] _sensors;
    private readonly long[] _seq;
    private readonly PayloadTemplate?[] _templates;
    private long _published;
    private long _failed;

    private HubLoadGenerator(IMqttClient[] clients, int nodes, int readings)
    {
        _clients = clients;
        _nodes = nodes;
        _readings = readings;
        _sensors = Enumerable.Range(0, readings).Select(i => $"s{i:D3}").ToArray();
        _seq = new long[nodes];
        _templates = new PayloadTemplate?[nodes];
    }

    /// <summary>Messages the broker acknowledged.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Starts counting <see cref="Published"/> and <see cref="Failed"/> afresh (sequence numbers go on).</summary>
    public void ResetCounts()
    {
        Interlocked.Exchange(ref _published, 0);
        Interlocked.Exchange(ref _failed, 0);
    }

    /// <summary>Publishes the broker refused or that failed on a lost connection (not counted in <see cref="Published"/>).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public static async Task<HubLoadGenerator> ConnectAsync(int port, int clients, int nodes, int readings, string id)
    {
        var list = new IMqttClient[clients];
        for (int i = 0; i < clients; i++)
        {
            list[i] = new MqttClientFactory().CreateMqttClient();
            await list[i].ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"bench-{id}-{i}").Build());
        }

        return new HubLoadGenerator(list, nodes, readings);
    }

    /// <summary>Publishes for <paramref name="duration"/>; <paramref name="messagesPerSecond"/> = 0 means as fast as the broker takes them.</summary>
    public async Task RunAsync(TimeSpan duration, double messagesPerSecond, string quantity, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var clock = Stopwatch.StartNew();
        long issued = 0;
        const int Window = 64;
        var tasks = _clients.Select((client, c) => Task.Run(async () =>
        {
            using var inFlight = new SemaphoreSlim(Window);
            var pending = new List<Task>();
            while (!stop.IsCancellationRequested)
            {
                long n = Interlocked.Increment(ref issued);
                if (messagesPerSecond > 0)
                {
                    var due = TimeSpan.FromSeconds(n / messagesPerSecond) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(due, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }
                }

                try
                {
                    await inFlight.WaitAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                int node = (int)(n % _nodes);
                pending.Add(PublishOneAsync(client, node, quantity, inFlight));
                if (pending.Count > 4 * Window)
                {
                    pending.RemoveAll(t => t.IsCompleted);
                }
            }

            await Task.WhenAll(pending);
        })).ToArray();
        await Task.WhenAll(tasks);
    }

    private async Task PublishOneAsync(IMqttClient client, int node, string quantity, SemaphoreSlim inFlight)
    {
        try
        {
            long first = Interlocked.Add(ref _seq[node], _readings) - _readings;
            var template = _templates[node] ??= PayloadTemplate.Create($"n{node:D4}", quantity, _sensors);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic($"{Topics.Prefix}d{node % 8}/g{node % 32}/n{node:D4}/{Topics.Telemetry}")
                .WithPayload(template.Render(first, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var result = await client.PublishAsync(message, CancellationToken.None);
            if (result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                Interlocked.Increment(ref _published);
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // E.g. the broker missed a keep-alive under load: counted and reported, not a crash of the benchmark.
            Interlocked.Increment(ref _failed);
            await Task.Delay(10);
        }
        finally
        {
            inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
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
    }
}

using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Testing.Mqtt;

/// <summary>
/// A test subscriber on a real broker: collects every message on a topic filter, reconnects by itself (with a
/// persistent session when asked, so the broker queues messages across a broker or subscriber restart).
/// </summary>
public sealed class MqttCollector : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly string[] _filters;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private readonly bool _countOnly;
    private long _count;

    private MqttCollector(string host, int port, string[] filters, string clientId, bool persistent, Action<MqttClientOptionsBuilder>? configure, bool countOnly = false)
    {
        _countOnly = countOnly;
        _filters = filters;
        _client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithTimeout(TimeSpan.FromSeconds(5));
        configure?.Invoke(builder);
        _options = persistent
            ? builder.WithCleanStart(false).WithSessionExpiryInterval(3600).Build()
            : builder.WithCleanStart(true).Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Interlocked.Increment(ref _count);
            if (_countOnly)
            {
                return Task.CompletedTask;
            }

            Messages.Enqueue(new ReceivedMessage(e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain, DateTimeOffset.UtcNow));
            return Task.CompletedTask;
        };
    }

    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>Messages received so far (also counted by a count-only subscriber, which keeps none).</summary>
    public long Count => Interlocked.Read(ref _count);

    public bool IsConnected => _client.IsConnected;

    public string? LastError { get; private set; }

    public static async Task<MqttCollector> StartAsync(string host, int port, string topicFilter, bool persistent = false, string? clientId = null)
        => await StartAsync(host, port, [topicFilter], persistent, clientId);

    /// <param name="configure">Adds TLS, credentials etc. to the connection options.</param>
    public static Task<MqttCollector> StartAsync(string host, int port, string[] topicFilters, bool persistent = false, string? clientId = null, Action<MqttClientOptionsBuilder>? configure = null) =>
        StartAsync(new MqttCollector(host, port, topicFilters, clientId ?? "test-sub-" + Guid.NewGuid().ToString("N")[..8], persistent, configure), host, port);

    /// <summary>
    /// A subscriber that only counts what it receives (QoS 1, acknowledged like the hub's): for benchmarks, where a
    /// subscriber must exist (the edge holds telemetry while the broker answers "no subscribers") but keeping every
    /// payload would cost the measured machine memory and CPU.
    /// </summary>
    public static Task<MqttCollector> StartCountingAsync(string host, int port, string topicFilter) =>
        StartAsync(new MqttCollector(host, port, [topicFilter], "bench-sub-" + Guid.NewGuid().ToString("N")[..8], persistent: false, configure: null, countOnly: true), host, port);

    private static async Task<MqttCollector> StartAsync(MqttCollector collector, string host, int port)
    {
        if (!await collector.ConnectAsync(CancellationToken.None))
        {
            collector._client.Dispose();
            throw new InvalidOperationException($"the subscriber could not connect to {host}:{port}: {collector.LastError}");
        }

        collector._loop = Task.Run(() => collector.KeepConnectedAsync(collector._stop.Token));
        return collector;
    }

    public IReadOnlyList<ReceivedMessage> OnTopicEndingWith(string suffix) =>
        Messages.Where(m => m.Topic.EndsWith(suffix, StringComparison.Ordinal)).ToList();

    /// <summary>Polls <paramref name="condition"/> until it holds or the timeout passes (then throws saying what was awaited).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _client.ConnectAsync(_options, cancellationToken);
            if (!result.IsSessionPresent)
            {
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (string f in _filters)
                {
                    subscribe.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
                }

                await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LastError = ex.Message;
            return false;
        }
    }

    private async Task KeepConnectedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!_client.IsConnected)
            {
                await ConnectAsync(cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }
        }
        catch (Exception)
        {
            // The broker may already be gone at the end of a test.
        }

        _client.Dispose();
        _stop.Dispose();
    }
}

using System.Diagnostics;
using CityBrain.Edge.Publishing;
using CityBrain.Edge.Runners;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Health;

/// <summary>Publishes the node's retained health message every interval while connected (docs/mqtt-contract.md).</summary>
public sealed class HealthReporter
{
    private readonly NodeIdentity _node;
    private readonly string _boot;
    private readonly string _bufferKind;
    private readonly IReadingBuffer _buffer;
    private readonly IReadOnlyList<SensorRunner> _runners;
    private readonly TelemetryPublisher _publisher;
    private readonly MqttConnectionSupervisor _connection;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _started;
    private readonly Func<ConfigInfo?>? _config;

    public HealthReporter(
        NodeIdentity node,
        string boot,
        string bufferKind,
        IReadingBuffer buffer,
        IReadOnlyList<SensorRunner> runners,
        TelemetryPublisher publisher,
        MqttConnectionSupervisor connection,
        TimeSpan interval,
        TimeProvider time,
        ILogger logger,
        Func<ConfigInfo?>? config = null)
    {
        _config = config;
        _node = node;
        _boot = boot;
        _bufferKind = bufferKind;
        _buffer = buffer;
        _runners = runners;
        _publisher = publisher;
        _connection = connection;
        _interval = interval;
        _time = time;
        _logger = logger;
        _started = time.GetTimestamp();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                if (_connection.IsConnected)
                {
                    await PublishAsync(Snapshot(), cancellationToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public HealthMessage Snapshot()
    {
        var now = _time.GetUtcNow();
        var stats = _buffer.GetStats();
        var latency = _publisher.Latency.SnapshotAndReset();
        using var process = Process.GetCurrentProcess();
        return new HealthMessage
        {
            Node = _node.NodeId,
            Timestamp = now.ToUnixTimeMilliseconds(),
            Boot = _boot,
            UptimeSeconds = (long)_time.GetElapsedTime(_started).TotalSeconds,
            MemoryBytes = process.WorkingSet64,
            IntervalSeconds = (int)Math.Max(1, _interval.TotalSeconds),
            Buffer = new BufferHealth
            {
                Kind = _bufferKind,
                Readings = stats.Readings,
                Bytes = stats.Bytes,
                OldestAgeSeconds = Math.Round(stats.OldestAge.TotalSeconds, 1),
                NextSeq = stats.NextSeq,
                State = stats.State,
                HeldInMemory = stats.HeldInMemory,
                Problem = stats.Problem,
                Dropped = new Dictionary<string, long>(StringComparer.Ordinal)
                {
                    ["overflow"] = stats.DroppedOverflow,
                    ["expired"] = stats.DroppedExpired,
                    ["corrupt"] = stats.DroppedCorrupt,
                    ["disk_full"] = stats.DroppedDiskFull,
                },
                BytesWritten = stats.BytesWritten,
            },
            Publish = new PublishHealth
            {
                Connected = _connection.IsConnected,
                Reconnects = _connection.Reconnects,
                Messages = _publisher.Messages,
                Readings = _publisher.Readings,
                NoSubscribers = _publisher.NoSubscribers,
                Held = _publisher.IsHeld,
                AwaitingHub = _publisher.HubAck is null ? null : stats.Awaiting,
                Resent = _publisher.HubAck?.Resent,
                LatencyP50Ms = latency.P50Ms,
                LatencyP99Ms = latency.P99Ms,
                LastError = Bounded(_connection.LastError),
            },
            Sensors = _runners.Select(r => Bounded(r.State.Snapshot())).ToList(),
            Config = _config?.Invoke(),
        };
    }

    /// <summary>An error text cut to the contract's limit, so the hub never rejects the health message for it.</summary>
    private static string? Bounded(string? text) =>
        text is { Length: > NodeMessageChecks.MaxErrorText } ? text[..(NodeMessageChecks.MaxErrorText - 1)] + "…" : text;

    private static SensorHealth Bounded(SensorHealth sensor) =>
        sensor.LastError is { } fault && (fault.Message.Length > NodeMessageChecks.MaxErrorText || fault.Code.Length > NodeMessageChecks.MaxShortText)
            ? sensor with { LastError = fault with { Code = fault.Code.Length > NodeMessageChecks.MaxShortText ? fault.Code[..NodeMessageChecks.MaxShortText] : fault.Code, Message = Bounded(fault.Message)! } }
            : sensor;

    private async Task PublishAsync(HealthMessage health, CancellationToken cancellationToken)
    {
        try
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Topics.For(_node, Topics.Health))
                .WithPayload(ContractJson.Serialize(health, ContractJsonContext.Default.HealthMessage))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(true)
                .WithContentType("application/json")
                .Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await _connection.Client.PublishAsync(message, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("Health publish failed: {Error}", ex.Message);
            }
        }
    }
}

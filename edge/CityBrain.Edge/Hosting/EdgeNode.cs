using System.Reflection;
using CityBrain.Edge.Composition;
using CityBrain.Edge.Health;
using CityBrain.Edge.OnCall;
using CityBrain.Edge.Pipeline;
using CityBrain.Edge.Publishing;
using CityBrain.Edge.Runners;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Hosting;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;

namespace CityBrain.Edge.Hosting;

/// <summary>
/// One running edge node, composed from its configuration: sensor runners → intake → buffer appender → buffer →
/// telemetry publisher, with the connection supervisor and the health reporter beside them. Stopping is orderly:
/// runners stop, everything read is appended to the buffer, the node announces its shutdown, the buffer closes.
/// </summary>
public sealed class EdgeNode : IAsyncDisposable
{
    private readonly LoadedNodeConfiguration _loaded;
    private readonly IReadingBuffer _buffer;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ReadingIntake _intake = new();
    private readonly List<SensorRunner> _runners = [];
    private readonly List<EventRunner> _eventRunners = [];
    private readonly NodeComponents _components;
    private readonly MqttConnectionSupervisor _connection;
    private readonly TelemetryPublisher _publisher;
    private readonly HubAckTracker? _hubAck;
    private readonly HealthReporter _health;
    private readonly BufferAppender _appender;
    private readonly OnCallResponder _onCall;
    private readonly NodeIdentity _node;
    private readonly EdgeNodeHooks _hooks;
    private readonly LoadShedder _shedder;

    public EdgeNode(
        LoadedNodeConfiguration loaded,
        IReadingBuffer buffer,
        NodeComponents components,
        EdgeMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers,
        EdgeNodeHooks? hooks = null)
    {
        _hooks = hooks ?? new EdgeNodeHooks();
        _loaded = loaded;
        _buffer = buffer;
        _components = components;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<EdgeNode>();
        var config = loaded.Configuration;
        _node = config.Node.ToIdentity();
        Boot = Guid.NewGuid().ToString("N")[..12];

        _shedder = new LoadShedder(TimeSpan.FromMilliseconds(config.Publish.ShedAfterMs), time);
        for (int i = 0; i < config.Sensors.Count; i++)
        {
            var s = config.Sensors[i];
            _runners.Add(new SensorRunner(
                components.Drivers[i],
                components.Processors[i],
                _intake,
                new SensorSchedule(s.Interval, TimeSpan.FromMilliseconds(s.JitterMs), s.EffectiveTimeout),
                time,
                metrics,
                loggers.CreateLogger($"CityBrain.Edge.Sensor.{s.Id}"),
                _shedder));
            var driver = components.Drivers[i];
            _runners[^1].State.Diagnostics = driver as ISensorDiagnostics;
            if (driver is IEventSensorDriver events)
            {
                _eventRunners.Add(new EventRunner(events, _intake, _runners[^1].State, metrics, time, loggers.CreateLogger($"CityBrain.Edge.Sensor.{s.Id}")));
            }
        }

        _connection = new MqttConnectionSupervisor(
            new MqttConnectionSettings
            {
                Node = _node,
                Mqtt = config.Mqtt,
                BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(loaded.Source)) ?? Directory.GetCurrentDirectory(),
                OnConnectedAsync = OnConnectedAsync,
            },
            Boot,
            Birth,
            time,
            loggers.CreateLogger<MqttConnectionSupervisor>());
        var p = config.Publish;
        _hubAck = p.DeliveryAck == PublishSection.DeliveryAckHub
            ? new HubAckTracker(buffer, _node, TimeSpan.FromMilliseconds(p.AckTimeoutMs), time, metrics, loggers.CreateLogger<HubAckTracker>())
            : null;
        _publisher = new TelemetryPublisher(
            buffer,
            _connection,
            _node,
            new PublisherOptions
            {
                MaxBatchReadings = p.MaxBatchReadings,
                MaxBatchDelay = TimeSpan.FromMilliseconds(p.MaxBatchDelayMs),
                MaxInFlight = p.MaxInFlight,
                BacklogReadingsPerSecond = p.BacklogReadingsPerSecond,
                PublishTimeout = TimeSpan.FromSeconds(config.Mqtt.PublishTimeoutSeconds),
                MaxMessageBytes = p.MaxMessageBytes,
            },
            time,
            metrics,
            loggers.CreateLogger<TelemetryPublisher>(),
            _shedder,
            _hubAck);
        _health = new HealthReporter(
            _node, Boot, config.Buffer.Kind, buffer, _runners, _publisher, _connection,
            TimeSpan.FromSeconds(p.HealthIntervalSeconds), time, loggers.CreateLogger<HealthReporter>(), _hooks.Config);
        _appender = new BufferAppender(_intake, buffer, loggers.CreateLogger<BufferAppender>());
        _onCall = new OnCallResponder(
            _node, _runners, config.OnCall, () => _connection.Client, TimeSpan.FromSeconds(config.Mqtt.PublishTimeoutSeconds), metrics, time, loggers.CreateLogger<OnCallResponder>());
        _connection.Client.ApplicationMessageReceivedAsync += async e =>
        {
            if (_hubAck is not null && await _hubAck.OfferAsync(e.ApplicationMessage, CancellationToken.None).ConfigureAwait(false))
            {
                return;
            }

            _onCall.Offer(e.ApplicationMessage);
        };
    }

    /// <summary>How long a stopping node keeps publishing its buffer while connected.</summary>
    public static TimeSpan ShutdownDrain { get; } = TimeSpan.FromSeconds(3);

    /// <summary>Random id of this run, announced in status and health.</summary>
    public string Boot { get; }

    public NodeIdentity Node => _node;

    public IReadOnlyList<SensorRunner> Runners => _runners;

    public TelemetryPublisher Publisher => _publisher;

    /// <summary>Skips fast sensors' ticks while delivery lags (publish setting <c>shedAfterMs</c>).</summary>
    public LoadShedder Shedder => _shedder;

    public MqttConnectionSupervisor Connection => _connection;

    public HealthReporter Health => _health;

    /// <summary>Answers on-call reads on the node's <c>cmd</c> topic.</summary>
    public OnCallResponder OnCall => _onCall;

    public IReadingBuffer Buffer => _buffer;

    /// <summary>The hand-over from runners to the appender (its depth is watched by <see cref="PipelineWatchdog"/>).</summary>
    public ReadingIntake Intake => _intake;

    public BufferAppender Appender => _appender;

    /// <summary>The configuration this node runs.</summary>
    public LoadedNodeConfiguration Configuration => _loaded;

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled, then stops in order.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        foreach (string warning in _loaded.Warnings)
        {
            _logger.LogWarning("Configuration {Source}: {Warning}", _loaded.Source, warning);
        }

        _logger.LogInformation(
            "Edge node {Node} ({District}/{Grid}) starting with {Sensors} sensors, revision {Revision}, boot {Boot}",
            _node.NodeId, _node.Location.District, _node.Location.Grid, _runners.Count, _loaded.Configuration.Revision, Boot);

        using var publishing = new CancellationTokenSource();
        var appender = Task.Run(_appender.RunAsync, CancellationToken.None);
        var connection = Task.Run(() => _connection.RunAsync(publishing.Token), CancellationToken.None);
        var publisher = Task.Run(() => _publisher.RunAsync(publishing.Token), CancellationToken.None);
        var health = Task.Run(() => _health.RunAsync(publishing.Token), CancellationToken.None);
        var hubAck = _hubAck is null ? Task.CompletedTask : Task.Run(() => _hubAck.RunAsync(publishing.Token), CancellationToken.None);
        // The on-call responder stops with the runners: its reads go through them into the intake.
        var runners = _runners.Select(r => Task.Run(() => r.RunAsync(stoppingToken), CancellationToken.None))
            .Concat(_eventRunners.Select(r => Task.Run(() => r.RunAsync(stoppingToken), CancellationToken.None)))
            .Append(Task.Run(() => _onCall.RunAsync(stoppingToken), CancellationToken.None))
            .ToArray();

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _logger.LogInformation("Edge node {Node} stopping", _node.NodeId);
        await Task.WhenAll(runners).ConfigureAwait(false);
        _intake.Complete();
        await appender.ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
        await publishing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(publisher, health, connection, hubAck).ConfigureAwait(false);
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _connection.ShutdownAsync(shutdown.Token).ConfigureAwait(false);
        _logger.LogInformation("Edge node {Node} stopped; {Buffered} readings remain buffered", _node.NodeId, _buffer.GetStats().Readings);
    }

    /// <summary>At shutdown, gives the publisher a short while to send what is buffered (a disk buffer keeps the rest anyway).</summary>
    private async Task DrainAsync()
    {
        long started = _time.GetTimestamp();
        while (_connection.IsConnected && _buffer.GetStats().Readings > 0 && _time.GetElapsedTime(started) < ShutdownDrain)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time).ConfigureAwait(false);
        }
    }

    /// <summary>After every connect: the node's <c>cmd</c> (and <c>ack</c>) subscription, then the host's own step (the config topic).</summary>
    private async Task OnConnectedAsync(MQTTnet.IMqttClient client, CancellationToken cancellationToken)
    {
        await _onCall.SubscribeAsync(client, cancellationToken).ConfigureAwait(false);
        if (_hubAck is not null)
        {
            await _hubAck.SubscribeAsync(client, cancellationToken).ConfigureAwait(false);
        }

        if (_hooks.OnConnectedAsync is { } onConnected)
        {
            await onConnected(client, cancellationToken).ConfigureAwait(false);
        }
    }

    private StatusMessage Birth()
    {
        var config = _loaded.Configuration;
        return new StatusMessage
        {
            Node = _node.NodeId,
            State = StatusMessage.Online,
            Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Boot = Boot,
            Software = "citybrain-edge/" + (typeof(EdgeNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"),
            Location = LocationInfo.From(_node.Location),
            Sensors = config.Sensors.Select((s, i) => new SensorInfo(
                s.Id,
                s.Driver,
                s.IntervalMs,
                _components.Drivers[i].Quantities.Select(q => new QuantityEntry(q.Quantity, q.Unit)).ToList())).ToList(),
            Config = _hooks.Config?.Invoke(),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _components.DisposeAsync().ConfigureAwait(false);
        _onCall.Dispose();
        foreach (var runner in _runners)
        {
            runner.Dispose();
        }

        if (_hooks.OwnsBuffer)
        {
            await _buffer.DisposeAsync().ConfigureAwait(false);
        }
        _loggers.CreateLogger<EdgeNode>().LogDebug("Edge node {Node} disposed", _node.NodeId);
    }
}

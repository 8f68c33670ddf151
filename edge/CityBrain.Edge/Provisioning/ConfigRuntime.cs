using System.Buffers;
using System.Threading.Channels;
using CityBrain.Edge.Composition;
using CityBrain.Edge.Hosting;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Provisioning.Signing;
using CityBrain.Sensing;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Contract;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace CityBrain.Edge.Provisioning;

/// <summary>
/// Runs the node and changes its configuration without losing a reading. A configuration arrives signed on the node's
/// <c>config</c> topic or edited in its file; it is checked (<see cref="CandidateCheck"/>), written atomically with the
/// previous one kept as last good, and applied by stopping the running <see cref="EdgeNode"/> in order (its sensors'
/// readings all reach the buffer) and starting one for the new configuration over the same buffer, so buffered readings
/// and sequence numbers carry over. A restart of the node object rather than a patch of its parts: every component is
/// built from one configuration, and a rollback is the same move back. If the new node is not healthy within the window
/// (<see cref="HealthVerdict"/>), the last good configuration is restored and run again. Every outcome is answered
/// retained on <c>config/state</c> and announced in status and health.
/// </summary>
public sealed class ConfigRuntime : IAsyncDisposable
{
    private readonly ConfigFiles _files;
    private readonly IReadingBuffer _buffer;
    private readonly DriverRegistry _drivers;
    private readonly ConfigApplyOptions _options;
    private readonly Action<HardwareContext>? _configureHardware;
    private readonly EdgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Channel<ConfigCandidate> _candidates = Channel.CreateBounded<ConfigCandidate>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoadedNodeConfiguration _running;
    private byte[] _runningBytes;
    private volatile string _fileHash;
    private NodeGeneration? _current;
    private volatile ConfigInfo _info;
    private volatile ConfigStateMessage? _lastAnswer;
    private long _sampledBefore;

    /// <param name="configPath">The node's configuration file (written on apply; watched for edits).</param>
    /// <param name="initial">The configuration loaded from it at start.</param>
    /// <param name="initialBytes">Its bytes (kept as last good when a new one is applied).</param>
    /// <param name="buffer">The node's buffer, kept across configurations; this object disposes it.</param>
    public ConfigRuntime(
        string configPath,
        LoadedNodeConfiguration initial,
        byte[] initialBytes,
        IReadingBuffer buffer,
        DriverRegistry drivers,
        ConfigApplyOptions options,
        Action<HardwareContext>? configureHardware,
        EdgeMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _files = new ConfigFiles(configPath);
        _running = initial;
        _runningBytes = initialBytes;
        _fileHash = ConfigFiles.HashOf(initialBytes);
        _buffer = buffer;
        _drivers = drivers;
        _options = options;
        _configureHardware = configureHardware;
        _metrics = metrics;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ConfigRuntime>();
        _info = new ConfigInfo(initial.Configuration.Revision, ConfigInfo.Started);
    }

    /// <summary>The node running now (null before <see cref="RunAsync"/> started it).</summary>
    public EdgeNode? Current => _current?.Node;

    /// <summary>Completes when the first node runs (faults with the <see cref="ConfigurationException"/> if it cannot be built).</summary>
    public Task Started => _started.Task;

    /// <summary>The running revision and the outcome of the last change.</summary>
    public ConfigInfo Info => _info;

    /// <summary>The last answer published on <c>config/state</c>.</summary>
    public ConfigStateMessage? LastAnswer => _lastAnswer;

    /// <summary>Readings produced by the sensors of every node this runtime ran (ground truth for loss checks).</summary>
    public long Sampled => Interlocked.Read(ref _sampledBefore) + (_current?.Node.Runners.Sum(r => r.State.Sampled) ?? 0);

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled; throws <see cref="ConfigurationException"/> if the first node cannot be built.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using (var trust = LoadTrust())
        {
            _logger.LogInformation("Configuration pushes are verified against {Count} trusted key(s) in {Path} (read again at every push); health window {Window}", trust.KeyIds.Count, _options.TrustPath, _options.HealthWindow);
        }

        if (await _files.ReadAnsweredAsync(stoppingToken).ConfigureAwait(false) is { } answered)
        {
            _answered.Add(answered);
        }

        try
        {
            _current = await StartAsync(_running, stoppingToken).ConfigureAwait(false);
            _started.TrySetResult();
        }
        catch (Exception ex)
        {
            _started.TrySetException(ex);
            throw;
        }

        var watcher = Task.Run(() => WatchFileAsync(stoppingToken), CancellationToken.None);
        try
        {
            await foreach (var candidate in _candidates.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await HandleAsync(candidate, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await watcher.ConfigureAwait(false);
            if (_current is { } last)
            {
                _current = null;
                Interlocked.Add(ref _sampledBefore, await last.StopAsync().ConfigureAwait(false));
            }
        }
    }

    /// <summary>Hands a configuration to the runtime as if it had arrived (tests; the MQTT handler and the file watcher use it).</summary>
    public bool Offer(ConfigCandidate candidate) => _candidates.Writer.TryWrite(candidate);

    private async Task HandleAsync(ConfigCandidate candidate, CancellationToken cancellationToken)
    {
        if (_answered.Contains(candidate.Hash))
        {
            return; // a retained push seen again at a reconnect, or our own write of the file
        }

        CandidateCheck.Result check;
        using (var trust = LoadTrust())
        {
            check = await CandidateCheck.RunAsync(candidate, _running, _files.FullPath, trust, _drivers, cancellationToken).ConfigureAwait(false);
        }

        if (check.Refusal is not null)
        {
            _logger.LogWarning("Configuration revision {Revision} from {Source} rejected: {Reason}", check.Revision, candidate.Source, check.Refusal);
            if (candidate.Source == ConfigStateMessage.FromFile)
            {
                _fileHash = candidate.Hash; // do not re-read the same edit every check
            }

            await AnswerAsync(candidate, check.Revision, ConfigStateMessage.Rejected, check.Refusal, cancellationToken).ConfigureAwait(false);
            return;
        }

        await ApplyAsync(candidate, check.Revision, check.Bytes!, check.Loaded!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The trusted keys as the trust folder holds them now. Read again for every configuration rather than watched: a push
    /// is rare and reading a few PEM files takes a millisecond, so a key a technician installs is trusted at the next push
    /// and a removed one is not, with no restart and no watcher that can miss a change (editors' renames, a folder
    /// replaced by a package upgrade, filesystems without inotify).
    /// </summary>
    private TrustStore LoadTrust()
    {
        var trust = TrustStore.Load(_options.TrustPath);
        foreach (string problem in trust.Problems)
        {
            _logger.LogError("Trust file ignored: {Problem}", problem);
        }

        return trust;
    }

    private async Task ApplyAsync(ConfigCandidate candidate, long revision, byte[] bytes, LoadedNodeConfiguration next, CancellationToken cancellationToken)
    {
        var previous = _running;
        byte[] previousBytes = _runningBytes;
        _logger.LogInformation("Applying configuration revision {Revision} from {Source} (running {Running})", revision, candidate.Source, previous.Configuration.Revision);
        await _files.WriteLastGoodAsync(previousBytes, cancellationToken).ConfigureAwait(false);
        _fileHash = ConfigFiles.HashOf(bytes);
        await _files.WriteRunningAsync(bytes, cancellationToken).ConfigureAwait(false);

        await StopCurrentAsync().ConfigureAwait(false);
        string? failure;
        try
        {
            _current = await StartAsync(next, cancellationToken).ConfigureAwait(false);
            failure = await WaitHealthyAsync(_current.Node, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            failure = "the node could not be built: " + ex.Message;
        }

        if (failure is null)
        {
            _running = next;
            _runningBytes = bytes;
            await AnswerAsync(candidate, revision, ConfigStateMessage.Applied, $"verified, valid, connected and reading within {_options.HealthWindow.TotalSeconds:0.#} s", cancellationToken).ConfigureAwait(false);
            return;
        }

        _logger.LogError("Configuration revision {Revision} is not healthy ({Reason}); rolling back to revision {Previous}", revision, failure, previous.Configuration.Revision);
        await StopCurrentAsync().ConfigureAwait(false);
        _fileHash = ConfigFiles.HashOf(previousBytes);
        await _files.WriteRunningAsync(previousBytes, cancellationToken).ConfigureAwait(false);
        _current = await StartAsync(previous, cancellationToken).ConfigureAwait(false);
        await AnswerAsync(candidate, revision, ConfigStateMessage.RolledBack, $"{failure}; rolled back to revision {previous.Configuration.Revision}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Null once the node is healthy; the reason if it is not by the end of the window.</summary>
    private async Task<string?> WaitHealthyAsync(EdgeNode node, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        while (true)
        {
            string? problem = HealthVerdict.Check(node);
            if (problem is null)
            {
                return null;
            }

            if (_time.GetElapsedTime(start) >= _options.HealthWindow)
            {
                return $"{problem} after {_options.HealthWindow.TotalSeconds:0.#} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(ConfigCandidate candidate, long revision, string state, string reason, CancellationToken cancellationToken)
    {
        var answer = new ConfigStateMessage
        {
            Node = _running.Configuration.Node.Id,
            Revision = revision,
            State = state,
            Reason = reason,
            Running = _running.Configuration.Revision,
            Source = candidate.Source,
            Timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        _lastAnswer = answer;
        _info = new ConfigInfo(_running.Configuration.Revision, state);
        _answered.Add(candidate.Hash);
        _metrics.ConfigOutcomes.Add(1, new KeyValuePair<string, object?>("state", state));
        await _files.WriteAnsweredAsync(candidate.Hash, cancellationToken).ConfigureAwait(false);
        if (_current?.Node.Connection.Client is { IsConnected: true } client)
        {
            await PublishAnswerAsync(client, answer, cancellationToken).ConfigureAwait(false);
        }

        // Otherwise the next connect publishes it (OnConnectedAsync).
    }

    /// <summary>Called with each node this runtime starts (the first, and one after every applied or rolled-back configuration).</summary>
    public Action<EdgeNode>? NodeStarted { get; init; }

    private async Task<NodeGeneration> StartAsync(LoadedNodeConfiguration loaded, CancellationToken cancellationToken)
    {
        var hardware = new HardwareContext(_time, _loggers, loaded.Buses, new DurableStateStore(Path.Combine(loaded.Configuration.Buffer.Path, "driver-state")));
        _configureHardware?.Invoke(hardware);
        var components = await NodeComponents.BuildAsync(loaded, _drivers, hardware, cancellationToken).ConfigureAwait(false);
        var identity = loaded.Configuration.Node.ToIdentity();
        string configTopic = Topics.For(identity, Topics.Config);
        var hooks = new EdgeNodeHooks
        {
            OwnsBuffer = false,
            Config = () => _info,
            OnConnectedAsync = (client, ct) => OnConnectedAsync(client, identity, ct),
        };
        var node = new EdgeNode(loaded, _buffer, components, _metrics, _time, _loggers, hooks);
        node.Connection.Client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == configTopic && e.ApplicationMessage.Payload.Length > 0)
            {
                Offer(new ConfigCandidate(e.ApplicationMessage.Payload.ToArray(), ConfigStateMessage.FromPush));
            }

            return Task.CompletedTask;
        };
        NodeStarted?.Invoke(node);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => node.RunAsync(stop.Token), CancellationToken.None);
        return new NodeGeneration(node, stop, run);
    }

    private async Task OnConnectedAsync(IMqttClient client, NodeIdentity identity, CancellationToken cancellationToken)
    {
        string topic = Topics.For(identity, Topics.Config);
        if (await Publishing.NodeSubscription.SubscribeAsync(client, topic, cancellationToken).ConfigureAwait(false) is { } code)
        {
            _logger.LogError("The broker refused the subscription to {Topic} ({Code}): pushed configurations will not arrive; check the ACL (deploy/mosquitto/acl)", topic, code);
        }

        if (_lastAnswer is { } answer)
        {
            await PublishAnswerAsync(client, answer, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PublishAnswerAsync(IMqttClient client, ConfigStateMessage answer, CancellationToken cancellationToken)
    {
        var identity = _running.Configuration.Node.ToIdentity();
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.For(identity, Topics.ConfigState))
            .WithPayload(ContractJson.Serialize(answer, ContractJsonContext.Default.ConfigStateMessage))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .WithContentType("application/json")
            .Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(_running.Configuration.Mqtt.PublishTimeoutSeconds));
            await client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            _logger.LogWarning("Publishing the configuration state failed ({Error}); it goes out at the next connect", ex.Message);
        }
    }

    private async Task StopCurrentAsync()
    {
        if (_current is { } generation)
        {
            _current = null;
            Interlocked.Add(ref _sampledBefore, await generation.StopAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Offers the configuration file when its content changes (an edit on the node), every check interval.</summary>
    private async Task WatchFileAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.FileCheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                byte[]? content;
                try
                {
                    content = await _files.ReadRunningAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning("Cannot read {Path}: {Error}", _files.FullPath, ex.Message);
                    continue;
                }

                if (content is { Length: > 0 } && ConfigFiles.HashOf(content) is var hash && hash != _fileHash)
                {
                    _fileHash = hash;
                    Offer(new ConfigCandidate(content, ConfigStateMessage.FromFile));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopCurrentAsync().ConfigureAwait(false);
        await _buffer.DisposeAsync().ConfigureAwait(false);
    }
}

using System.Buffers;
using System.Threading.Channels;
using CityBrain.Hub.Configuration;
using CityBrain.Mqtt;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.Hub.Ingest;

/// <summary>
/// The hub's MQTT side: keeps a persistent-session connection (the shared <see cref="MqttConnection"/>: reconnect with
/// backoff and jitter through Polly, connect timeout), subscribes QoS 1
/// to <c>citybrain/#</c> (or a shared subscription plus per-instance status/health subscriptions in scale-out mode),
/// routes every message, dead-letters rejects, notifies observers and queues telemetry for the writers. Telemetry is
/// acknowledged only after every sink stored it (<c>AutoAcknowledge = false</c>).
/// A fatal error (<see cref="OutOfMemoryException"/> anywhere, or any failure of the pipeline, the acknowledgement
/// or the dead-letter loop) is never retried: it is logged as critical and the host stops with exit code
/// <see cref="FatalExitCode"/>, so the service manager restarts the hub and the broker redelivers what was not acknowledged.
/// </summary>
public sealed class MqttIngestService : BackgroundService
{
    private readonly HubOptions _options;
    private readonly IngestPipeline _pipeline;
    private readonly DeadLetterQueue _deadLetters;
    private readonly IngestMetrics _metrics;
    private readonly IReadOnlyList<INodeObserver> _observers;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttIngestService> _logger;
    private readonly RateLimitedLogger _observerLog;
    private readonly MessageRouter _router;
    private readonly IReplyListener[] _replyListeners;
    private readonly string? _replyFilter;
    private readonly MqttConnection _connection;
    private readonly IMqttClient _client;
    private readonly AcknowledgementSequencer _acks;
    private readonly ReceiveWindow _window;
    private readonly AckPublisher _ackPublisher;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly CancellationTokenSource _fatal = new();
    private BufferedMqttChannel? _channel;
    private int _failed;

    public MqttIngestService(
        IOptions<HubOptions> options,
        IngestPipeline pipeline,
        DeadLetterQueue deadLetters,
        IngestMetrics metrics,
        IEnumerable<INodeObserver> observers,
        TimeProvider time,
        ILogger<MqttIngestService> logger,
        IHostApplicationLifetime lifetime,
        Registry.HubGridRegistry? registry = null,
        IEnumerable<IReplyListener>? replyListeners = null)
    {
        _lifetime = lifetime;
        _options = options.Value;
        _pipeline = pipeline;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _observers = observers.ToArray();
        _time = time;
        _logger = logger;
        _observerLog = new RateLimitedLogger(logger, time, TimeSpan.FromSeconds(30));
        bool scaleOut = !string.IsNullOrEmpty(_options.Mqtt.SharedSubscriptionGroup);
        _router = new MessageRouter(_options.MaxPayloadBytes, scaleOut, registry?.Registry);
        _replyListeners = replyListeners?.ToArray() ?? [];
        // In scale-out mode the shared subscription hands an answer to any instance: each also subscribes to its own.
        _replyFilter = scaleOut && _replyListeners.Length > 0 ? $"{Topics.RepliesPrefix}{OnCall.OnCallReplies.RequesterFor(_options)}/#" : null;
        _window = new ReceiveWindow(
            _options.Mqtt.ReceiveMaximum,
            _options.Mqtt.ReceiveWindowBytes,
            TimeSpan.FromSeconds(Math.Max(1, _options.Mqtt.KeepAliveSeconds / 3.0)),
            time);
        _acks = new AcknowledgementSequencer(metrics, _window.Released, HoldWrites);
        _ackPublisher = new AckPublisher(_options.Ack, _options.InstanceName, metrics, time, logger);
        _connection = new MqttConnection(
            MqttClientOptionsFactory.Endpoint(_options.Mqtt, _options.InstanceName),
            time,
            logger,
            new MqttClientFactory().CreateMqttClient(_window.AdapterFactory(created: c => Volatile.Write(ref _channel, c))))
        {
            Configure = MqttClientOptionsFactory.Configure(_options.Mqtt),
            OnConnectedAsync = OnConnectedAsync,
            IsFatal = FatalErrors.IsFatal,
        };
        _client = _connection.Client;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += e =>
        {
            if (FatalErrors.IsFatal(e.Exception))
            {
                Fail(e.Exception!, "the MQTT client");
            }

            return Task.CompletedTask;
        };
        _connection.Connected += () => Connected?.Invoke();
    }

    /// <summary>The process exit code after a fatal error (EX_SOFTWARE; 78 would keep systemd from restarting the hub).</summary>
    public const int FatalExitCode = 70;

    public bool IsConnected => _connection.IsConnected;

    /// <summary>Connected and subscribed on the current connection: from here on the broker routes telemetry to this hub
    /// (before the subscription a fresh session gets nothing, and a node's publish is answered "no subscribers").</summary>
    public bool IsSubscribed => _connection.IsSubscribed;

    /// <summary>The fatal error that stopped ingest, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The hub's MQTT connection, shared by the publishers of dead letters and alerts.</summary>
    public IMqttClient Client => _client;

    /// <summary>Raised after every successful (re)connect, e.g. to republish retained state such as active alerts.</summary>
    public event Action? Connected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _fatal.Token);
        // After a fatal error anywhere, every loop stops (run is cancelled) and the host stops.
        var pipeline = WatchAsync(_pipeline.RunAsync(run.Token), "the ingest pipeline (batcher or writer)", run.Token);
        var deadLetters = WatchAsync(PublishDeadLettersAsync(run.Token), "the dead-letter publisher", run.Token);
        var acks = WatchAsync(_acks.RunAsync(run.Token), "the acknowledgement sequencer", run.Token);
        var endToEnd = _options.Ack.Enabled ? WatchAsync(_ackPublisher.RunAsync(_client, run.Token), "the end-to-end acknowledgement publisher", run.Token) : Task.CompletedTask;
        try
        {
            await _connection.RunAsync(run.Token);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Fail(ex, "the connection loop");
        }
        finally
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _connection.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token);
            }
            catch (Exception ex) when (!FatalErrors.IsFatal(ex))
            {
                _logger.LogDebug(ex, "Disconnect at shutdown failed");
            }

            await Task.WhenAll(pipeline, deadLetters, acks, endToEnd);
        }
    }

    private async Task WatchAsync(Task loop, string what, CancellationToken cancellationToken)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Fail(ex, what);
        }
    }

    /// <summary>Logs the failure as critical and stops the host with <see cref="FatalExitCode"/> (once).</summary>
    private void Fail(Exception ex, string where)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0)
        {
            return;
        }

        Failure = ex;
        try
        {
            _logger.LogCritical(ex, "Ingest stopped: {Component} failed ({Error}); the hub exits with code {ExitCode} to be restarted, unacknowledged messages are redelivered by the broker",
                where, ex.GetType().Name, FatalExitCode);
        }
        finally
        {
            Environment.ExitCode = FatalExitCode;
            _fatal.Cancel();
            _lifetime.StopApplication();
        }
    }

    /// <summary>Every (re)connect, within the connect timeout: a new generation of PUBACKs, then the subscriptions.</summary>
    private async Task OnConnectedAsync(IMqttClient client, MqttClientConnectResult result, CancellationToken cancellationToken)
    {
        _acks.Reset();
        await SubscribeAsync(cancellationToken);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        string? group = _options.Mqtt.SharedSubscriptionGroup;
        if (string.IsNullOrEmpty(group))
        {
            // No Local: the hub's own acknowledgements, dead letters and alerts do not come back to it.
            await SubscribeOneAsync(Topics.Everything, null, cancellationToken, noLocal: true);
            return;
        }

        // Scale-out: telemetry (and anything malformed) is shared among the group; status and health come to every
        // instance through their own subscription. The identifiers tell the overlapping deliveries apart.
        await SubscribeOneAsync($"$share/{group}/{Topics.Everything}", MessageRouter.SharedSubscriptionId, cancellationToken);
        await SubscribeOneAsync(Topics.AllStatus, MessageRouter.BroadcastSubscriptionId, cancellationToken);
        await SubscribeOneAsync(Topics.AllHealth, MessageRouter.BroadcastSubscriptionId, cancellationToken);
        if (_replyFilter is not null)
        {
            await SubscribeOneAsync(_replyFilter, MessageRouter.BroadcastSubscriptionId, cancellationToken);
        }
    }

    private async Task SubscribeOneAsync(string filter, uint? subscriptionId, CancellationToken cancellationToken, bool noLocal = false)
    {
        var builder = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithNoLocal(noLocal));
        if (subscriptionId is { } id)
        {
            builder = builder.WithSubscriptionIdentifier(id);
        }

        var result = await _client.SubscribeAsync(builder.Build(), cancellationToken);
        foreach (var item in result.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"the broker refused the subscription '{filter}': {item.ResultCode} (check the ACL of user '{_options.Mqtt.Username}')");
            }
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            await HandleMessageAsync(e);
        }
        catch (Exception ex) when (FatalErrors.IsFatal(ex))
        {
            // MQTTnet would log and swallow it, and the message would hold the PUBACKs of all later ones forever.
            Fail(ex, "the message handler");
        }
    }

    private async Task HandleMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        int generation = _connection.Generation;
        var message = e.ApplicationMessage;
        string topic = message.Topic;
        var payload = message.Payload;
        var entry = _acks.Register(ct => AcknowledgeAsync(e, generation, ct), payload.Length);
        Task Ack(CancellationToken ct)
        {
            // Marks the message stored; the sequencer's loop sends the PUBACKs in arrival order.
            _acks.Complete(entry);
            return Task.CompletedTask;
        }

        if (_replyListeners.Length > 0 && topic.StartsWith(Topics.RepliesPrefix, StringComparison.Ordinal))
        {
            foreach (var listener in _replyListeners)
            {
                listener.OnReply(topic, message.CorrelationData, payload);
            }
        }

        RoutedMessage routed;
        DeadLetterMessage? rejected = null;
        long payloadLength = payload.Length;
        try
        {
            routed = _router.Route(topic, payload, message.SubscriptionIdentifiers);
            if (routed.Kind == RouteKind.Reject)
            {
                // The whole payload goes to the dead-letter file, unless it was refused for its size.
                rejected = _deadLetters.ForMessage(
                    routed.Violation!,
                    topic,
                    routed.Topic.Node,
                    payload,
                    keepWhole: routed.Violation!.Code != ContractViolation.TooLarge);
            }
        }
        finally
        {
            // Parsed (or copied): nothing reads the payload any more; MQTTnet keeps the packet until the PUBACK.
            message.Payload = default;
            PayloadBuffers.Return(payload);
        }

        var now = _time.GetUtcNow();
        switch (routed.Kind)
        {
            case RouteKind.Ignore:
                break;
            case RouteKind.Reject:
                _metrics.Received("rejected");
                await _deadLetters.RejectAsync([rejected!], _fatal.Token); // on disk before the PUBACK
                break;
            case RouteKind.Status:
                _metrics.Received(Topics.Status);
                Notify(o => o.OnStatus(routed.Topic, routed.Status, now));
                break;
            case RouteKind.Health:
                _metrics.Received(Topics.Health);
                Notify(o => o.OnHealth(routed.Topic, routed.Health!, now));
                break;
            case RouteKind.Telemetry:
                _metrics.Received(Topics.Telemetry);
                var telemetry = routed.Telemetry!;
                var handled = _ackPublisher.RangesOf(telemetry); // read before the message goes back to the pool
                var nodeTopic = routed.Topic;
                Task AckStored(CancellationToken ct)
                {
                    _ackPublisher.Handled(nodeTopic, handled); // stored or dead-lettered: tell the node (end-to-end)
                    return Ack(ct);
                }

                if (telemetry.Rejected.Count > 0)
                {
                    // The readings that broke the contract are dead-lettered one by one (on disk before the PUBACK);
                    // the good ones are stored as usual.
                    var letters = new DeadLetterMessage[telemetry.Rejected.Count];
                    for (int i = 0; i < letters.Length; i++)
                    {
                        letters[i] = _deadLetters.ForReading(telemetry.Rejected[i], topic, routed.Topic.Node, payloadLength);
                    }

                    await _deadLetters.RejectAsync(letters, _fatal.Token);
                }

                Notify(o => o.OnTelemetry(routed.Topic, telemetry, now)); // the registry also sees the rejected seqs
                if (telemetry.Readings.Count == 0)
                {
                    ReadingBuffers.Return(telemetry);
                    await AckStored(CancellationToken.None);
                    return; // nothing to write: every reading was dead-lettered
                }

                try
                {
                    // Waits while the queue is full: the broker holds the rest (Receive Maximum) until we catch up.
                    await _pipeline.EnqueueAsync(new IngestItem(topic, routed.Topic, telemetry, AckStored), CancellationToken.None);
                }
                catch (ChannelClosedException)
                {
                }

                return; // acknowledged by the writer once stored
        }

        await Ack(CancellationToken.None);
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e, int generation, CancellationToken cancellationToken)
    {
        // A message from an earlier connection is redelivered by the broker on this one; its PUBACK must not be sent.
        if (generation != _connection.Generation || !_client.IsConnected)
        {
            return;
        }

        try
        {
            await e.AcknowledgeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !FatalErrors.IsFatal(ex))
        {
            _logger.LogDebug(ex, "PUBACK not sent (connection lost); the broker redelivers the message");
        }
    }

    /// <summary>Holds the connection's writes while the sequencer sends a run of PUBACKs (one system call for all).</summary>
    private HeldWrites? HoldWrites(CancellationToken cancellationToken)
    {
        var channel = Volatile.Read(ref _channel);
        if (channel is null)
        {
            return null;
        }

        channel.HoldWrites();
        return new HeldWrites(channel, _logger, cancellationToken);
    }

    private sealed class HeldWrites(BufferedMqttChannel channel, ILogger logger, CancellationToken cancellationToken) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await channel.ReleaseWritesAsync(cancellationToken);
            }
            catch (Exception ex) when (!FatalErrors.IsFatal(ex))
            {
                logger.LogDebug(ex, "PUBACKs not sent (connection lost); the broker redelivers the messages");
            }
        }
    }

    private void Notify(Action<INodeObserver> call)
    {
        foreach (var observer in _observers)
        {
            try
            {
                call(observer);
            }
            catch (Exception ex) when (!FatalErrors.IsFatal(ex))
            {
                _observerLog.Warn(observer.GetType().FullName ?? "observer", "Observer {Observer} threw {Error}; ingest continues", observer.GetType().Name, ex.Message);
            }
        }
    }

    private async Task PublishDeadLettersAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var letter in _deadLetters.Reader.ReadAllAsync(stoppingToken))
            {
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.DeadLetter)
                    .WithPayload(ContractJson.Serialize(letter, ContractJsonContext.Default.DeadLetterMessage))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithContentType("application/json")
                    .Build();
                while (true)
                {
                    try
                    {
                        if (_client.IsConnected)
                        {
                            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                            timeout.CancelAfter(TimeSpan.FromSeconds(10));
                            await _client.PublishAsync(message, timeout.Token);
                            break;
                        }
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested && !FatalErrors.IsFatal(ex))
                    {
                        _logger.LogDebug(ex, "Dead letter not published yet");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _connection.Dispose();
        _fatal.Dispose();
        _acks.Dispose();
        base.Dispose();
    }
}

using System.Text.Json;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CityBrain.Hub.Notifications;

/// <summary>
/// Turns alert changes and escalations into notifications, writes them to the durable <see cref="NotificationOutbox"/>
/// (synced before they count as "to be sent"), and delivers each channel's in order: one attempt at a time with the
/// channel's timeout, retried by Polly with exponential backoff and jitter, and after a failed round paused for
/// <see cref="NotificationOptions.RoundPause"/> and tried again, until the receiver took it or refused it for good.
/// </summary>
/// <remarks>
/// Who hears what: <c>raised</c>, <c>acknowledged</c> and <c>cleared</c> go to the grid level's channels and to those of
/// every level the alert has escalated to; <c>escalated</c> goes to the new level's channels. Every event also goes to
/// the <c>history</c> channel when <see cref="NotificationOptions.History"/> is on. At start the alerts the engine
/// restored are reconciled: a raise the outbox never saw (the hub died before writing it) is written now; one it saw
/// is not written again (keys are deterministic), so a restart neither loses nor repeats a notification.
/// </remarks>
public sealed partial class NotificationService : BackgroundService
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    private readonly NotificationOptions _options;
    private readonly string _hub;
    private readonly NotificationQueue _queue;
    private readonly AlertEngine _engine;
    private readonly NotificationMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, INotificationChannel> _channels;
    private readonly Dictionary<string, SemaphoreSlim> _signals;
    private readonly Dictionary<string, EscalationOptions> _escalation;
    private readonly Dictionary<string, int> _reached = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _produceGate = new(1, 1);
    private NotificationOutbox? _outbox;

    public NotificationService(
        IOptions<NotificationOptions> options,
        IOptions<HubOptions> hub,
        NotificationQueue queue,
        AlertEngine engine,
        NotificationMetrics metrics,
        TimeProvider time,
        ILogger<NotificationService> logger)
        : this(options.Value, hub.Value.InstanceName, CreateChannels(options.Value, hub.Value), queue, engine, metrics, time, logger)
    {
    }

    /// <param name="channels">The webhook channels and, when <see cref="NotificationOptions.History"/> is on, the history channel.</param>
    public NotificationService(
        NotificationOptions options,
        string hubInstance,
        IReadOnlyList<INotificationChannel> channels,
        NotificationQueue queue,
        AlertEngine engine,
        NotificationMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _hub = hubInstance;
        _queue = queue;
        _engine = engine;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _channels = channels.ToDictionary(c => c.Id, StringComparer.Ordinal);
        _signals = channels.ToDictionary(c => c.Id, _ => new SemaphoreSlim(0), StringComparer.Ordinal);
        _escalation = options.Escalation.Where(e => e.Rule is not null).ToDictionary(e => e.Rule!, StringComparer.Ordinal);
    }

    /// <summary>The outbox (open once started; null while notifications are off).</summary>
    public NotificationOutbox? Outbox => _outbox;

    /// <summary>Whether anything is to be notified (a webhook, or the history).</summary>
    public bool Enabled => _channels.Count > 0;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(OpenTimeout);
            await OpenAsync(cts.Token);
            LogStarted(_outbox!.PendingCount, _outbox.TornLines, string.Join(", ", _channels.Keys));
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Opens the outbox, rebuilds how far each alert escalated, and reconciles the engine's active alerts.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        _outbox = await NotificationOutbox.OpenAsync(_options.OutboxPath, _options.OutboxCapacity, _metrics, cancellationToken);
        var cleared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (alertId, ev, level) in _outbox.KnownEvents())
        {
            if (ev == NotificationEvents.Cleared)
            {
                cleared.Add(alertId);
            }
            else if (ev == NotificationEvents.Escalated && level > _reached.GetValueOrDefault(alertId))
            {
                _reached[alertId] = level;
            }
        }

        foreach (string id in cleared)
        {
            _reached.Remove(id);
        }

        foreach (var alert in _engine.GetActive())
        {
            await ProduceAsync(alert with { State = AlertStates.Raised, AckBy = null, AckAt = null }, cancellationToken);
            if (alert.State == AlertStates.Acknowledged)
            {
                await ProduceAsync(alert, cancellationToken);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var loops = new List<Task> { IntakeLoopAsync(stoppingToken), EscalationLoopAsync(stoppingToken) };
        loops.AddRange(_channels.Values.Select(c => DeliveryLoopAsync(c, stoppingToken)));
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_outbox is not null)
        {
            await _outbox.DisposeAsync();
        }

        foreach (var channel in _channels.Values)
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>Writes the notifications of every alert change queued so far to the outbox; returns how many were added.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        int added = 0;
        while (_queue.Reader.TryRead(out var alert))
        {
            added += await ProduceAsync(alert, cancellationToken);
        }

        return added;
    }

    /// <summary>Escalates every raised, unacknowledged alert whose next level's delay has passed; returns the notifications added.</summary>
    public async Task<int> EscalateAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        int added = 0;
        foreach (var alert in _engine.GetActive())
        {
            if (alert.State != AlertStates.Raised
                || (_escalation.GetValueOrDefault(alert.Rule) ?? _escalation.GetValueOrDefault("*")) is not { } delays)
            {
                continue;
            }

            await _produceGate.WaitAsync(cancellationToken);
            try
            {
                for (int level = _reached.GetValueOrDefault(alert.Id) + 1; level <= EscalationLevels.City; level++)
                {
                    if (delays.Of(level) is not { } delay)
                    {
                        continue;
                    }

                    if (now - alert.RaisedAt < delay)
                    {
                        break;
                    }

                    added += await AddAsync(Entries(alert, NotificationEvents.Escalated, level, _options.Levels.Of(level), now), cancellationToken);
                    _reached[alert.Id] = level;
                    LogEscalated(alert.Id, alert.Rule, alert.Node, EscalationLevels.Name(level));
                }
            }
            finally
            {
                _produceGate.Release();
            }
        }

        return added;
    }

    private async Task<int> ProduceAsync(Alert alert, CancellationToken cancellationToken)
    {
        await _produceGate.WaitAsync(cancellationToken);
        try
        {
            // A raise goes to the grid level (also when reconciled after escalations); later events to every level reached.
            int reached = alert.State == AlertStates.Raised ? EscalationLevels.Grid : _reached.GetValueOrDefault(alert.Id);
            var channels = Enumerable.Range(EscalationLevels.Grid, reached + 1).SelectMany(_options.Levels.Of).Distinct(StringComparer.Ordinal).ToList();
            var at = alert.State switch
            {
                AlertStates.Cleared => alert.ClearedAt ?? alert.RaisedAt,
                AlertStates.Acknowledged => alert.AckAt ?? alert.RaisedAt,
                _ => alert.RaisedAt,
            };
            int added = await AddAsync(Entries(alert, alert.State, reached, channels, at), cancellationToken);
            if (!alert.IsActive)
            {
                _reached.Remove(alert.Id);
            }

            return added;
        }
        finally
        {
            _produceGate.Release();
        }
    }

    /// <summary>The notifications of one event: one per channel (and one for the history), each with its deterministic key.</summary>
    private List<OutboxEntry> Entries(Alert alert, string ev, int level, IEnumerable<string> channels, DateTimeOffset at)
    {
        string levelName = EscalationLevels.Name(level);
        string eventKey = ev == NotificationEvents.Escalated ? $"{alert.Id}:{ev}:{levelName}" : $"{alert.Id}:{ev}";
        var wire = AlertMessage.From(alert);
        var targets = channels.Where(_channels.ContainsKey).ToList();
        if (_options.History && _channels.ContainsKey(HistoryChannel.ChannelId))
        {
            targets.Add(HistoryChannel.ChannelId);
        }

        return targets.Select(channel =>
        {
            string key = $"{eventKey}:{channel}";
            var message = new NotificationMessage { Key = key, Event = ev, Level = levelName, Channel = channel, Hub = _hub, Ts = at.ToUnixTimeMilliseconds(), Alert = wire };
            return new OutboxEntry(key, channel, alert.Id, ev, level, JsonSerializer.Serialize(message, NotificationJsonContext.Default.NotificationMessage));
        }).ToList();
    }

    private async Task<int> AddAsync(List<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var outbox = _outbox ?? throw new InvalidOperationException("The notification outbox is not open.");
        int pendingBefore = outbox.PendingCount;
        var added = await outbox.AddAsync(entries, cancellationToken);
        int dropped = entries.Count(e => !outbox.Knows(e.Key));
        if (dropped > 0)
        {
            LogOutboxFull(dropped, _options.OutboxCapacity, pendingBefore);
        }

        foreach (string channel in added.Select(e => e.Channel).Distinct())
        {
            if (_signals[channel].CurrentCount == 0)
            {
                _signals[channel].Release();
            }
        }

        return added.Count;
    }

    private async Task IntakeLoopAsync(CancellationToken stoppingToken)
    {
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            try
            {
                await DrainAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogOutboxWriteFailed(ex, _options.OutboxPath);
                await Task.Delay(_options.RoundPause, _time, stoppingToken);
            }
        }
    }

    private async Task EscalationLoopAsync(CancellationToken stoppingToken)
    {
        if (_escalation.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.EscalationTick, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EscalateAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogOutboxWriteFailed(ex, _options.OutboxPath);
            }
        }
    }

    private async Task DeliveryLoopAsync(INotificationChannel channel, CancellationToken stoppingToken)
    {
        var pipeline = Pipeline(channel);
        var outbox = _outbox!;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pending = outbox.PendingFor(channel.Id);
            if (pending.Count == 0)
            {
                await _signals[channel.Id].WaitAsync(stoppingToken);
                continue;
            }

            foreach (var entry in pending)
            {
                var outcome = await DeliverAsync(channel, pipeline, entry, stoppingToken);
                if (outcome.Status == DeliveryStatus.Transient)
                {
                    LogRoundFailed(channel.Id, entry.Key, outcome.Reason, outbox.PendingCount, _options.RoundPause.TotalSeconds);
                    await Task.Delay(_options.RoundPause, _time, stoppingToken);
                    break;
                }

                if (outcome.Status == DeliveryStatus.Delivered)
                {
                    _metrics.Delivered(channel.Id);
                }
                else
                {
                    _metrics.Rejected(channel.Id);
                    LogRejected(channel.Id, entry.Key, outcome.Reason);
                }

                await outbox.MarkDoneAsync(entry, outcome.Status == DeliveryStatus.Delivered ? "delivered" : "rejected", stoppingToken);
            }
        }
    }

    private static async Task<DeliveryOutcome> DeliverAsync(
        INotificationChannel channel, ResiliencePipeline<DeliveryOutcome> pipeline, OutboxEntry entry, CancellationToken stoppingToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                static async (s, ct) => await s.channel.SendAsync(s.entry, ct),
                (channel, entry),
                stoppingToken);
        }
        catch (TimeoutRejectedException)
        {
            return new(DeliveryStatus.Transient, $"no answer within {channel.Timeout.TotalSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            return new(DeliveryStatus.Transient, ex.Message);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            return new(DeliveryStatus.Rejected, "unreadable outbox entry: " + ex.Message);
        }
    }

    private ResiliencePipeline<DeliveryOutcome> Pipeline(INotificationChannel channel) =>
        new ResiliencePipelineBuilder<DeliveryOutcome> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<DeliveryOutcome>
            {
                ShouldHandle = new PredicateBuilder<DeliveryOutcome>()
                    .HandleResult(r => r.Status == DeliveryStatus.Transient)
                    .Handle<TimeoutRejectedException>()
                    .Handle<HttpRequestException>(),
                MaxRetryAttempts = _options.RetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.InitialRetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    _metrics.Retried(channel.Id);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(channel.Timeout)
            .Build();

    private static List<INotificationChannel> CreateChannels(NotificationOptions options, HubOptions hub)
    {
        var channels = new List<INotificationChannel>();
        channels.AddRange(options.Webhooks.Select(w => new WebhookChannel(w)));
        if (options.History && hub.Sinks.Count > 0)
        {
            channels.Add(new HistoryChannel(hub.Sinks, TimeSpan.FromSeconds(30)));
        }

        return channels;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications: {Pending} pending in the outbox ({Torn} torn lines skipped); channels {Channels}")]
    private partial void LogStarted(int pending, int torn, string channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} (rule {Rule}, node {Node}) not acknowledged in time: escalated to the {Level} level")]
    private partial void LogEscalated(string id, string rule, string node, string level);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: delivery of {Key} failed after retries ({Reason}); {Pending} pending, next round in {Seconds} s")]
    private partial void LogRoundFailed(string channel, string key, string reason, int pending, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {Channel} refused notification {Key} for good ({Reason}); not retried")]
    private partial void LogRejected(string channel, string key, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The notification outbox is full ({Capacity}, {Pending} pending): {Dropped} notifications dropped")]
    private partial void LogOutboxFull(int dropped, int capacity, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the notification outbox in {Path}; retrying")]
    private partial void LogOutboxWriteFailed(Exception ex, string path);
}

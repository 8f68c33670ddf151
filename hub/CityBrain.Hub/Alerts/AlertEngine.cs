using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using CityBrain.Hub.Health;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// Evaluates the configured rules: threshold rules on every observed reading (O(rules of that quantity)), and every
/// rule on <see cref="Evaluate"/> (the periodic tick: durations, windows, stale, offline, gap). Raised, acknowledged
/// and cleared alerts go to the bounded <see cref="AlertPublishQueue"/>. Never throws on the ingest path.
/// </summary>
/// <remarks>
/// <para>
/// Conditions (one <see cref="ConditionState"/> per rule, node and sensor) exist only while they matter: a threshold
/// value that raises (pending), a node rule that holds, or an active (or acknowledged) alert. A healthy city keeps
/// none. Whoever steps a condition removes it when the step leaves it idle (not pending, no active alert); a value
/// that does not raise never creates one, and is only looked up when its rule has conditions at all.
/// </para>
/// <para>
/// Concurrency: readings of one node may be observed on several threads, and the tick and node changes step
/// conditions too, so a thread may hold a condition another thread has just removed. The protocol that keeps every
/// change: a condition is only read or written under its <see cref="ConditionState.Gate"/>; removal happens under
/// that lock, marks the state <see cref="ConditionState.Removed"/> and takes it out of the map in the same critical
/// section (only that exact instance). Hence a state not marked removed is the one in the map, and a thread that
/// finds the mark after taking the lock looks the key up again (<see cref="EnterCondition"/>), creating a fresh state
/// if its value needs one. No raise or pending start is applied to a dead state, so none is lost. The per-rule
/// count of conditions is raised before a state is added and lowered after it is removed, so a reader that sees
/// zero knows there was nothing to find when it looked: its non-raising value is ordered before any later raise.
/// </para>
/// </remarks>
public sealed partial class AlertEngine
{
    private readonly HealthRegistry _registry;
    private readonly AlertPublishQueue _queue;
    private readonly HealthMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly FrozenDictionary<string, ThresholdRule[]> _thresholdRules;
    private readonly FrozenDictionary<string, ThresholdRule> _thresholdRulesById;
    private readonly AlertRule[] _nodeRules;
    private readonly IAlertListener[] _listeners;
    private readonly AlertRule[] _hubRules;
    private readonly SinkHealth? _sinks;
    private readonly ConcurrentDictionary<string, DropMark> _dropped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Rule, string Node, string Sensor), ConditionState> _conditions = new();
    private readonly ConcurrentDictionary<string, ConditionState> _active = new(StringComparer.Ordinal);
    private readonly Lock _historyGate = new();
    private readonly LinkedList<Alert> _history = new();
    private long _version;
    private long _sequence;
    private int _conditionCount;

    public AlertEngine(
        IOptions<AlertOptions> options,
        HealthRegistry registry,
        AlertPublishQueue queue,
        HealthMetrics metrics,
        TimeProvider time,
        ILogger<AlertEngine>? logger = null,
        IEnumerable<IAlertListener>? listeners = null,
        SinkHealth? sinks = null)
    {
        _options = options.Value;
        Rules = AlertRuleCompiler.Compile(_options, out _zone, out var errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AlertOptions.Section, typeof(AlertOptions), errors);
        }

        _registry = registry;
        _queue = queue;
        _metrics = metrics;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _thresholdRulesById = Rules.Where(r => r.Kind == AlertKinds.Threshold)
            .ToFrozenDictionary(r => r.Id, r => new ThresholdRule(r), StringComparer.Ordinal);
        _thresholdRules = _thresholdRulesById.Values
            .GroupBy(t => t.Rule.Quantity!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _nodeRules = Rules.Where(r => r.Kind is not AlertKinds.Threshold and not AlertKinds.Database).ToArray();
        _hubRules = Rules.Where(r => r.Kind == AlertKinds.Database).ToArray();
        _listeners = listeners?.ToArray() ?? [];
        _sinks = sinks;
    }

    public IReadOnlyList<AlertRule> Rules { get; }

    /// <summary>Grows at every alert change (raised, value update, acknowledged, cleared).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Conditions kept (pending, holding or with an active alert); zero in a healthy city.</summary>
    internal int ConditionCount => Volatile.Read(ref _conditionCount);

    /// <summary>Feeds threshold rules with a telemetry batch (called by the ingest through the observer).</summary>
    public void OnTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset receivedAt)
    {
        if (_thresholdRules.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var (_, r) in message.ReadingSpan())
            {
                if (!_thresholdRules.TryGetValue(r.Quantity, out var rules)
                    || r.Quality == Quality.Bad
                    || receivedAt - r.Timestamp > _options.MaxReadingAge)
                {
                    continue;
                }

                foreach (var threshold in rules)
                {
                    var rule = threshold.Rule;
                    if (!rule.Matches(topic.District, topic.Grid, topic.Node, r.Sensor))
                    {
                        continue;
                    }

                    // Only a value that raises (in the rule's window) starts a condition. Any other value matters only
                    // to a condition that exists, and none exists while the rule counts none: skip the keyed lookup.
                    bool starts = rule.Raises(r.Value) && rule.InWindow(receivedAt, _zone);
                    if ((!starts && Volatile.Read(ref threshold.Conditions) == 0)
                        || EnterCondition(rule, topic.District, topic.Grid, topic.Node, r.Sensor, starts) is not { } state)
                    {
                        continue;
                    }

                    try
                    {
                        state.LastValue = r.Value;
                        state.Unit = r.Unit;
                        StepThreshold(state, receivedAt);
                    }
                    finally
                    {
                        ExitCondition(state);
                    }
                }
            }
        }
        catch (Exception ex) when (!FatalErrors.IsFatal(ex))
        {
            LogFailed(ex, topic.Node);
        }
    }

    /// <summary>Re-evaluates a node's node rules at once (a status change: offline alerts clear without waiting for the tick).</summary>
    public void OnNodeChanged(string node)
    {
        try
        {
            if (_registry.GetNode(node, sparklines: false) is { } view)
            {
                EvaluateNode(view, _time.GetUtcNow());
            }
            else
            {
                Forget(node);
            }
        }
        catch (Exception ex) when (!FatalErrors.IsFatal(ex))
        {
            LogFailed(ex, node);
        }
    }

    /// <summary>The periodic evaluation: pending durations, windows, stale sensors, offline nodes, data gaps.</summary>
    public void Evaluate()
    {
        var now = _time.GetUtcNow();
        foreach (var (_, state) in _conditions)
        {
            if (state.Rule.Kind != AlertKinds.Threshold)
            {
                continue;
            }

            lock (state.Gate)
            {
                // A removed state was idle when it went; one just created is stepped (and kept or removed) by its creator.
                if (!state.Removed && state.LastValue is not null && !state.IsIdle)
                {
                    StepThreshold(state, now);
                    RemoveIfIdle(state);
                }
            }
        }

        if (_sinks is not null)
        {
            foreach (var rule in _hubRules)
            {
                EvaluateDatabase(rule, _sinks, now);
            }
        }

        if (_nodeRules.Length == 0)
        {
            return;
        }

        // One node's view at a time: all of them at once is tens of MB at 50,000 sensors.
        foreach (var node in _registry.EnumerateNodes(sparklines: false))
        {
            EvaluateNode(node, now);
        }
    }

    /// <summary>Active alerts (raised or acknowledged), most severe then newest first.</summary>
    public IReadOnlyList<Alert> GetActive()
    {
        var result = new List<Alert>(_active.Count);
        foreach (var state in _active.Values)
        {
            lock (state.Gate)
            {
                if (state.Active is { } a)
                {
                    result.Add(a);
                }
            }
        }

        result.Sort(static (a, b) =>
        {
            int c = AlertSeverities.Rank(b.Severity).CompareTo(AlertSeverities.Rank(a.Severity));
            return c != 0 ? c : b.RaisedAt.CompareTo(a.RaisedAt);
        });
        return result;
    }

    /// <summary>Cleared alerts, newest first (bounded by <see cref="AlertOptions.HistoryLimit"/>).</summary>
    public IReadOnlyList<Alert> GetHistory()
    {
        lock (_historyGate)
        {
            return [.. _history];
        }
    }

    public Alert? Find(string id)
    {
        if (_active.TryGetValue(id, out var state))
        {
            lock (state.Gate)
            {
                if (state.Active?.Id == id)
                {
                    return state.Active;
                }
            }
        }

        lock (_historyGate)
        {
            return _history.FirstOrDefault(a => a.Id == id);
        }
    }

    /// <summary>Marks an active alert acknowledged by <paramref name="by"/> (published like any change).</summary>
    public AckResult Acknowledge(string id, string by)
    {
        if (!_active.TryGetValue(id, out var state))
        {
            return Find(id) is null ? AckResult.NotFound : AckResult.NotActive;
        }

        Alert acked;
        lock (state.Gate)
        {
            if (state.Active is not { } a || a.Id != id)
            {
                return AckResult.NotActive;
            }

            if (a.State == AlertStates.Acknowledged)
            {
                return AckResult.AlreadyAcknowledged;
            }

            acked = a with { State = AlertStates.Acknowledged, AckBy = by, AckAt = _time.GetUtcNow() };
            state.Active = acked;
        }

        Changed(acked);
        LogAcknowledged(id, acked.Rule, acked.Node, by);
        return AckResult.Acknowledged;
    }

    /// <summary>
    /// Takes back the alerts active at the last save (hub restart). They stay active until the next evaluation finds
    /// their cause gone; an alert of a rule no longer configured is cleared at once (so its retained message goes).
    /// </summary>
    public int Restore(IEnumerable<Alert> active)
    {
        int restored = 0;
        var now = _time.GetUtcNow();
        foreach (var alert in active)
        {
            if (!alert.IsActive || _active.ContainsKey(alert.Id))
            {
                continue;
            }

            var rule = Rules.FirstOrDefault(r => r.Id == alert.Rule && r.Kind == alert.Kind);
            var state = new ConditionState(
                rule ?? new AlertRule { Id = alert.Rule, Kind = alert.Kind, Severity = alert.Severity },
                alert.District, alert.Grid, alert.Node, alert.Sensor)
            {
                Active = alert,
                LastValue = alert.Value,
                Unit = alert.Unit,
            };
            if (rule is null)
            {
                lock (state.Gate)
                {
                    Clear(state, now);
                }

                continue;
            }

            if (Add(state, capped: false) == state)
            {
                _active[alert.Id] = state;
                Interlocked.Increment(ref _version);
                restored++;
            }
        }

        return restored;
    }

    /// <summary>Clears every alert of a node the registry no longer knows (decommissioned) and drops its conditions.</summary>
    private void Forget(string node)
    {
        _dropped.TryRemove(node, out _);
        var now = _time.GetUtcNow();
        foreach (var (key, state) in _conditions)
        {
            if (key.Node != node)
            {
                continue;
            }

            lock (state.Gate)
            {
                if (state.Removed)
                {
                    continue;
                }

                if (state.Active is not null)
                {
                    Clear(state, now);
                }

                state.PendingSince = null;
                RemoveIfIdle(state);
            }
        }
    }

    /// <summary>Queues every active alert for publishing again (call after the MQTT connection was re-established).</summary>
    public int RepublishActive()
    {
        var active = GetActive();
        foreach (var alert in active)
        {
            _queue.Enqueue(alert);
        }

        return active.Count;
    }

    private void EvaluateDatabase(AlertRule rule, SinkHealth sinks, DateTimeOffset now)
    {
        var failing = sinks.LongestFailing();
        bool holds = failing is not null;
        double seconds = failing is { } f ? Math.Max(0, (now - f.Since).TotalSeconds) : 0;
        string text = failing is { } w ? $"database {w.Sink} down since {Show(w.Since)}: {w.Reason}; readings stay unacknowledged at the broker" : "";
        StepNodeRule(rule, SinkHealth.Location, SinkHealth.Location, sinks.Hub, null, holds, failing?.Since, rule.For + rule.After, seconds, "s", text, now);
    }

    /// <summary>Whether the node's buffer dropped readings within <paramref name="hold"/> (a dropped counter grew; the first look is the baseline).</summary>
    private bool Dropping(NodeView node, TimeSpan hold, DateTimeOffset now, out long total)
    {
        total = 0;
        if (node.Buffer is not { } b)
        {
            return false; // no health yet: no baseline
        }

        total = b.Dropped.Values.Sum();
        long seen = total;
        var mark = _dropped.AddOrUpdate(
            node.Node,
            _ => new DropMark(seen, null),
            (_, old) => seen > old.Total ? new DropMark(seen, now) : old with { Total = Math.Max(seen, old.Total) });
        return mark.ChangedAt is { } changed && now - changed < hold;
    }

    private void EvaluateNode(NodeView node, DateTimeOffset now)
    {
        foreach (var rule in _nodeRules)
        {
            if (!rule.Matches(node.District, node.Grid, node.Node, null))
            {
                continue;
            }

            switch (rule.Kind)
            {
                case AlertKinds.Offline:
                    {
                        bool offline = node.State == NodeStatus.Offline;
                        bool holds = offline || node.Silent;
                        DateTimeOffset? since = offline ? node.StateSince : null;
                        double seconds = since is { } s ? Math.Max(0, (now - s).TotalSeconds) : 0;
                        // The text only serves a raise, which needs the rule to hold: no string per healthy node and tick.
                        string text = !holds ? "" : offline
                            ? $"node {node.Node} offline ({node.OfflineReason ?? "unknown"})"
                            : $"node {node.Node} silent: no health or telemetry since {Show(node.LastSeen)}";
                        StepNodeRule(rule, node, null, holds, since, rule.For + rule.After, seconds, "s", text, now);
                        break;
                    }

                case AlertKinds.Gap:
                    {
                        bool noTelemetry = rule.After > TimeSpan.Zero && node.LastTelemetry is { } t && now - t > rule.After;
                        bool sequenceGap = node.Sequence.Missing > 0 && node.Sequence.LastGapAt is { } g && now - g < rule.Hold;
                        bool holds = noTelemetry || sequenceGap;
                        double value = noTelemetry ? (now - node.LastTelemetry!.Value).TotalSeconds : node.Sequence.Missing;
                        string text = !holds ? "" : noTelemetry
                            ? $"no telemetry from {node.Node} since {Show(node.LastTelemetry)}"
                            : $"data gap: {node.Sequence.Missing.ToString(CultureInfo.InvariantCulture)} readings missing from {node.Node}";
                        StepNodeRule(rule, node, null, holds, null, rule.For, value, noTelemetry ? "s" : "readings", text, now);
                        break;
                    }

                case AlertKinds.Buffer:
                    {
                        bool dropping = Dropping(node, rule.Hold, now, out long dropped);
                        var buffer = node.Buffer;
                        bool degraded = buffer is not null && buffer.State != "ok";
                        bool held = node.Publish?.Held == true;
                        bool old = rule.After > TimeSpan.Zero && buffer is not null && buffer.OldestAgeS >= rule.After.TotalSeconds;
                        bool holds = dropping || degraded || held || old;
                        string text = !holds ? "" : dropping
                            ? $"node {node.Node} dropped readings from its buffer ({dropped.ToString(CultureInfo.InvariantCulture)} in all)"
                            : degraded ? $"node {node.Node} buffer {buffer!.State}: {buffer.HeldInMemory.ToString(CultureInfo.InvariantCulture)} readings held in memory only"
                            : held ? $"node {node.Node} holds its telemetry: the broker reports no subscriber (the hub's session is missing)"
                            : $"node {node.Node} buffer backlog {buffer!.Readings.ToString(CultureInfo.InvariantCulture)} readings, oldest {Show(TimeSpan.FromSeconds(buffer.OldestAgeS))} old";
                        StepNodeRule(rule, node, null, holds, null, rule.For, dropping ? dropped : buffer?.Readings ?? 0, "readings", text, now);
                        break;
                    }

                case AlertKinds.Stale:
                    foreach (var sensor in node.Sensors)
                    {
                        if (rule.Sensor is not null && rule.Sensor != sensor.Id)
                        {
                            continue;
                        }

                        // An offline or silent node is the offline rule's business: no flood of stale sensors.
                        bool holds = sensor.Status == SensorStatus.Stale && node.State != NodeStatus.Offline && !node.Silent;
                        double seconds = sensor.LastSeen is { } seen ? (now - seen).TotalSeconds : 0;
                        string text = !holds ? "" : $"sensor {sensor.Id} on {node.Node} silent since {Show(sensor.LastSeen)} (expected every {(sensor.IntervalMs / 1000.0).ToString("0.#", CultureInfo.InvariantCulture)} s)";
                        StepNodeRule(rule, node, sensor.Id, holds, null, rule.For, seconds, "s", text, now);
                    }

                    break;
            }
        }
    }

    private void StepNodeRule(
        AlertRule rule, NodeView node, string? sensor, bool holds, DateTimeOffset? since, TimeSpan required,
        double value, string unit, string text, DateTimeOffset now) =>
        StepNodeRule(rule, node.District, node.Grid, node.Node, sensor, holds, since, required, value, unit, text, now);

    private void StepNodeRule(
        AlertRule rule, string district, string grid, string node, string? sensor, bool holds, DateTimeOffset? since, TimeSpan required,
        double value, string unit, string text, DateTimeOffset now)
    {
        // Only a rule that holds creates a condition: a healthy city keeps no state.
        if (EnterCondition(rule, district, grid, node, sensor, create: holds) is not { } state)
        {
            return;
        }

        try
        {
            bool inWindow = rule.InWindow(now, _zone);
            state.LastValue = value;
            state.Unit = unit;
            if (state.Active is { } active)
            {
                if (!holds || !inWindow)
                {
                    Clear(state, now);
                }
                else
                {
                    // Seconds offline or silent grow every tick: kept current, but not a change worth a push.
                    state.Active = active with { Value = value };
                }

                return;
            }

            if (!holds || !inWindow)
            {
                state.PendingSince = null;
                return;
            }

            state.PendingSince = since is { } s && s <= now ? s : state.PendingSince ?? now;
            if (now - state.PendingSince >= required)
            {
                Raise(state, now, value, unit, null, text);
            }
        }
        finally
        {
            ExitCondition(state);
        }
    }

    /// <summary>Threshold step with hysteresis, minimum duration and window. Caller holds the state's lock.</summary>
    private void StepThreshold(ConditionState state, DateTimeOffset now)
    {
        var rule = state.Rule;
        double v = state.LastValue!.Value;
        bool inWindow = rule.InWindow(now, _zone);
        if (state.Active is { } active)
        {
            if (!inWindow || rule.Clears(v))
            {
                Clear(state, now);
            }
            else if (active.Value != v)
            {
                state.Active = active with { Value = v };
                Interlocked.Increment(ref _version);
            }

            return;
        }

        if (!inWindow || !rule.Raises(v))
        {
            state.PendingSince = null;
            return;
        }

        state.PendingSince ??= now;
        if (now - state.PendingSince.Value >= rule.For)
        {
            string level = rule.Level.ToString(CultureInfo.InvariantCulture);
            string text = $"{rule.Quantity} {v.ToString(CultureInfo.InvariantCulture)} {state.Unit} {(rule.Above ? "above" : "below")} {level}"
                + (rule.For > TimeSpan.Zero ? $" for {Show(rule.For)}" : "");
            Raise(state, now, v, state.Unit, rule.Level, text);
        }
    }

    private void Raise(ConditionState state, DateTimeOffset now, double value, string? unit, double? threshold, string text)
    {
        var rule = state.Rule;
        if (_active.Count >= _options.MaxActive)
        {
            LogTooMany(_options.MaxActive, rule.Id, state.Node);
            return;
        }

        long n = Interlocked.Increment(ref _sequence);
        var alert = new Alert
        {
            Id = $"{now.ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture)}-{n.ToString(CultureInfo.InvariantCulture)}",
            Rule = rule.Id,
            Kind = rule.Kind,
            Severity = rule.Severity,
            State = AlertStates.Raised,
            Node = state.Node,
            Sensor = state.Sensor,
            Quantity = rule.Quantity,
            District = state.District,
            Grid = state.Grid,
            Street = _registry.StreetOf(state.Node),
            Value = value,
            Unit = unit,
            Threshold = threshold,
            Message = rule.Description is null ? text : $"{rule.Description}: {text}",
            RaisedAt = now,
        };
        state.Active = alert;
        state.PendingSince = null;
        _active[alert.Id] = state;
        _metrics.AlertRaised(rule.Id, rule.Severity);
        LogRaised(alert.Id, rule.Id, rule.Severity, state.Node, state.Sensor, alert.Message);
        Changed(alert);
    }

    private void Clear(ConditionState state, DateTimeOffset now)
    {
        var cleared = state.Active! with { State = AlertStates.Cleared, ClearedAt = now, Value = state.LastValue };
        state.Active = null;
        state.PendingSince = null;
        _active.TryRemove(cleared.Id, out _);
        lock (_historyGate)
        {
            _history.AddFirst(cleared);
            while (_history.Count > _options.HistoryLimit)
            {
                _history.RemoveLast();
            }
        }

        _metrics.AlertCleared(cleared.Rule);
        LogCleared(cleared.Id, cleared.Rule, cleared.Node, cleared.Sensor);
        Changed(cleared);
    }

    private void Changed(Alert alert)
    {
        Interlocked.Increment(ref _version);
        _queue.Enqueue(alert);
        foreach (var listener in _listeners)
        {
            listener.OnAlertChanged(alert);
        }
    }

    /// <summary>
    /// The live condition of the rule at this place, with its lock taken (release it with <see cref="ExitCondition"/>):
    /// the one in the map, or a new one when <paramref name="create"/> (null when it does not exist and is not to be
    /// created, or the map is full). A state found removed once its lock is taken is dropped and the key looked up again.
    /// </summary>
    private ConditionState? EnterCondition(AlertRule rule, string district, string grid, string node, string? sensor, bool create)
    {
        var key = (rule.Id, node, sensor ?? "");
        while (true)
        {
            if (!_conditions.TryGetValue(key, out var state)
                && (!create || (state = Add(new ConditionState(rule, district, grid, node, sensor), capped: true)) is null))
            {
                return null;
            }

            state.Gate.Enter();
            if (!state.Removed)
            {
                return state;
            }

            state.Gate.Exit();
        }
    }

    /// <summary>Releases a condition taken by <see cref="EnterCondition"/>, removing it when the step left it idle.</summary>
    private void ExitCondition(ConditionState state)
    {
        try
        {
            RemoveIfIdle(state);
        }
        finally
        {
            state.Gate.Exit();
        }
    }

    /// <summary>
    /// Adds a condition (or finds the one another thread added first for the same key). The counts go up before the
    /// state is in the map, so a reader that sees a rule's count at zero knows the map held none of it.
    /// </summary>
    /// <param name="capped">False to add beyond <see cref="AlertOptions.MaxConditions"/> (active alerts restored at start).</param>
    private ConditionState? Add(ConditionState fresh, bool capped)
    {
        if (Interlocked.Increment(ref _conditionCount) > _options.MaxConditions && capped)
        {
            Interlocked.Decrement(ref _conditionCount);
            return null;
        }

        var threshold = _thresholdRulesById.GetValueOrDefault(fresh.Rule.Id);
        if (threshold is not null)
        {
            Interlocked.Increment(ref threshold.Conditions);
        }

        var state = _conditions.GetOrAdd(KeyOf(fresh), fresh);
        if (state != fresh)
        {
            Uncount(threshold);
        }

        return state;
    }

    /// <summary>Removes an idle condition from the map (caller holds its lock; see the class remarks).</summary>
    private void RemoveIfIdle(ConditionState state)
    {
        if (state.Removed || !state.IsIdle)
        {
            return;
        }

        state.Removed = true;
        if (_conditions.TryRemove(KeyValuePair.Create(KeyOf(state), state)))
        {
            Uncount(_thresholdRulesById.GetValueOrDefault(state.Rule.Id));
        }
    }

    private void Uncount(ThresholdRule? threshold)
    {
        if (threshold is not null)
        {
            Interlocked.Decrement(ref threshold.Conditions);
        }

        Interlocked.Decrement(ref _conditionCount);
    }

    private static (string Rule, string Node, string Sensor) KeyOf(ConditionState state) => (state.Rule.Id, state.Node, state.Sensor ?? "");

    private static string Show(TimeSpan d) =>
        d.TotalMinutes >= 1 && d.Seconds == 0 && d.Milliseconds == 0
            ? $"{d.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min"
            : $"{d.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    private static string Show(DateTimeOffset? at) =>
        at?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    /// <summary>A node's dropped-readings total when last seen, and when it last grew.</summary>
    private sealed record DropMark(long Total, DateTimeOffset? ChangedAt);

    /// <summary>A threshold rule and how many of its conditions the map holds (see <see cref="Add"/>).</summary>
    private sealed class ThresholdRule(AlertRule rule)
    {
        public int Conditions;

        public AlertRule Rule { get; } = rule;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} raised: rule {Rule} ({Severity}) node {Node} sensor {Sensor}: {Text}")]
    private partial void LogRaised(string id, string rule, string severity, string node, string? sensor, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} cleared: rule {Rule} node {Node} sensor {Sensor}")]
    private partial void LogCleared(string id, string rule, string node, string? sensor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} acknowledged: rule {Rule} node {Node} by {By}")]
    private partial void LogAcknowledged(string id, string rule, string node, string by);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Max} alerts are active (Hub:Alerts:MaxActive); rule {Rule} on node {Node} was not raised")]
    private partial void LogTooMany(int max, string rule, string node);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert evaluation failed for node {Node}")]
    private partial void LogFailed(Exception ex, string node);
}

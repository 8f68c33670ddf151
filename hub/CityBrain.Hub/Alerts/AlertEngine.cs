using CityBrain.Hub.Health;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// Evaluates the configured rules: threshold rules on every observed reading, and every rule on <see cref="Evaluate"/>
/// (the periodic tick: durations, windows, stale, offline, gap, buffer, database). Raised, acknowledged and cleared
/// alerts go to the bounded <see cref="AlertPublishQueue"/>. Never throws on the ingest path.
/// </summary>
/// <remarks>
/// The parts: the rules are typed records, one per kind (<see cref="AlertRuleCompiler"/>); the conditions live in the
/// <see cref="ConditionStore"/> (its remarks give the concurrency protocol); the alerts in the <see cref="AlertLedger"/>;
/// each kind is stepped by its own evaluator (Alerts/Evaluators). This class wires them and is the API.
/// </remarks>
public sealed partial class AlertEngine
{
    private readonly HealthRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConditionStore _conditions;
    private readonly AlertLedger _ledger;
    private readonly AlertPublishQueue _queue;
    private readonly ThresholdEvaluator _thresholds;
    private readonly BufferEvaluator _buffers;
    private readonly DatabaseEvaluator _databases;
    private readonly DatabaseRule[] _hubRules;
    private readonly NodeStep[] _nodeRules;
    private readonly SinkHealth? _sinks;

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
        var o = options.Value;
        Rules = AlertRuleCompiler.Compile(o, out var zone, out var errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AlertOptions.Section, typeof(AlertOptions), errors);
        }

        _registry = registry;
        _queue = queue;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _sinks = sinks;
        _conditions = new ConditionStore(Rules, o.MaxConditions);
        _ledger = new AlertLedger(o, registry, queue, metrics, time, listeners?.ToArray() ?? [], _logger);
        _thresholds = new ThresholdEvaluator(Rules.OfType<ThresholdRule>(), o.MaxReadingAge, _conditions, _ledger, zone);
        _buffers = new BufferEvaluator(_conditions, _ledger, zone);
        _databases = new DatabaseEvaluator(_conditions, _ledger, zone);
        _hubRules = [.. Rules.OfType<DatabaseRule>()];
        var offline = new OfflineEvaluator(_conditions, _ledger, zone);
        var gaps = new GapEvaluator(_conditions, _ledger, zone);
        var stale = new StaleEvaluator(_conditions, _ledger, zone);
        // In the configured order (the order alerts of one node are raised in).
        _nodeRules = [.. Rules.Select(rule => rule switch
        {
            OfflineRule r => new NodeStep(r, (node, now) => offline.Evaluate(r, node, now)),
            GapRule r => new NodeStep(r, (node, now) => gaps.Evaluate(r, node, now)),
            BufferRule r => new NodeStep(r, (node, now) => _buffers.Evaluate(r, node, now)),
            StaleRule r => new NodeStep(r, (node, now) => stale.Evaluate(r, node, now)),
            _ => default,
        }).Where(s => s.Rule is not null)];
    }

    public IReadOnlyList<AlertRule> Rules { get; }

    /// <summary>Grows at every alert change (raised, value update, acknowledged, cleared).</summary>
    public long Version => _ledger.Version;

    /// <summary>Conditions kept (pending, holding or with an active alert); zero in a healthy city.</summary>
    internal int ConditionCount => _conditions.Count;

    /// <summary>Feeds threshold rules with a telemetry batch (called by the ingest through the observer).</summary>
    public void OnTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset receivedAt)
    {
        if (_thresholds.IsEmpty)
        {
            return;
        }

        try
        {
            _thresholds.OnTelemetry(topic, message, receivedAt);
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

    /// <summary>The periodic evaluation: pending durations, windows, stale sensors, offline nodes, data gaps, buffers, databases.</summary>
    public void Evaluate()
    {
        var now = _time.GetUtcNow();
        _thresholds.Evaluate(now);
        if (_sinks is not null)
        {
            foreach (var rule in _hubRules)
            {
                _databases.Evaluate(rule, _sinks, now);
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
    public IReadOnlyList<Alert> GetActive() => _ledger.GetActive();

    /// <summary>Cleared alerts, newest first (bounded by <see cref="AlertOptions.HistoryLimit"/>).</summary>
    public IReadOnlyList<Alert> GetHistory() => _ledger.GetHistory();

    public Alert? Find(string id) => _ledger.Find(id);

    /// <summary>Marks an active alert acknowledged by <paramref name="by"/> (published like any change).</summary>
    public AckResult Acknowledge(string id, string by) => _ledger.Acknowledge(id, by);

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
            if (!alert.IsActive || _ledger.IsActive(alert.Id))
            {
                continue;
            }

            var rule = Rules.FirstOrDefault(r => r.Id == alert.Rule && r.Kind == alert.Kind);
            var state = new ConditionState(
                rule ?? new RetiredRule(alert.Kind) { Id = alert.Rule, Severity = alert.Severity },
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
                    _ledger.Clear(state, now);
                }

                continue;
            }

            if (_conditions.Add(state, capped: false) == state)
            {
                _ledger.Restored(alert, state);
                restored++;
            }
        }

        return restored;
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

    /// <summary>Clears every alert of a node the registry no longer knows (decommissioned) and drops its conditions.</summary>
    private void Forget(string node)
    {
        _buffers.Forget(node);
        var now = _time.GetUtcNow();
        foreach (var state in _conditions.All())
        {
            if (state.Node != node)
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
                    _ledger.Clear(state, now);
                }

                state.PendingSince = null;
                _conditions.RemoveIfIdle(state);
            }
        }
    }

    private void EvaluateNode(NodeView node, DateTimeOffset now)
    {
        foreach (var (rule, evaluate) in _nodeRules)
        {
            if (rule.Matches(node.District, node.Grid, node.Node, null))
            {
                evaluate(node, now);
            }
        }
    }

    /// <summary>A node rule and its kind's evaluator.</summary>
    private readonly record struct NodeStep(AlertRule Rule, Action<NodeView, DateTimeOffset> Evaluate);

    /// <summary>The rule of an alert restored from the snapshot that is no longer configured (cleared at once).</summary>
    private sealed record RetiredRule(string RetiredKind) : AlertRule
    {
        public override string Kind => RetiredKind;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert evaluation failed for node {Node}")]
    private partial void LogFailed(Exception ex, string node);
}

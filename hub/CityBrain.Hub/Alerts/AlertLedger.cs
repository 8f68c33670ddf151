using System.Collections.Concurrent;
using System.Globalization;
using CityBrain.Hub.Health;
using Microsoft.Extensions.Logging;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// The alerts themselves: raises and clears a condition's alert, keeps the active ones (by id) and the bounded history
/// of cleared ones, acknowledges, and hands every change to the publish queue and the listeners.
/// </summary>
internal sealed partial class AlertLedger(
    AlertOptions options,
    HealthRegistry registry,
    AlertPublishQueue queue,
    HealthMetrics metrics,
    TimeProvider time,
    IAlertListener[] listeners,
    ILogger logger)
{
    private readonly ILogger _logger = logger;
    private readonly ConcurrentDictionary<string, ConditionState> _active = new(StringComparer.Ordinal);
    private readonly Lock _historyGate = new();
    private readonly LinkedList<Alert> _history = new();
    private long _version;
    private long _sequence;

    /// <summary>Grows at every alert change (raised, value update, acknowledged, cleared).</summary>
    public long Version => Interlocked.Read(ref _version);

    public bool IsActive(string id) => _active.ContainsKey(id);

    /// <summary>A change shown but not published (an active alert's value follows the reading).</summary>
    public void Touched() => Interlocked.Increment(ref _version);

    /// <summary>Raises the condition's alert (caller holds the state's lock); refused, and logged, beyond <see cref="AlertOptions.MaxActive"/>.</summary>
    public void Raise(ConditionState state, DateTimeOffset now, double value, string? unit, string? quantity, double? threshold, string text)
    {
        var rule = state.Rule;
        if (_active.Count >= options.MaxActive)
        {
            LogTooMany(options.MaxActive, rule.Id, state.Node);
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
            Quantity = quantity,
            District = state.District,
            Grid = state.Grid,
            Street = registry.StreetOf(state.Node),
            Value = value,
            Unit = unit,
            Threshold = threshold,
            Message = rule.Description is null ? text : $"{rule.Description}: {text}",
            RaisedAt = now,
        };
        state.Active = alert;
        state.PendingSince = null;
        _active[alert.Id] = state;
        metrics.AlertRaised(rule.Id, rule.Severity);
        LogRaised(alert.Id, rule.Id, rule.Severity, state.Node, state.Sensor, alert.Message);
        Changed(alert);
    }

    /// <summary>Clears the condition's active alert into the history (caller holds the state's lock).</summary>
    public void Clear(ConditionState state, DateTimeOffset now)
    {
        var cleared = state.Active! with { State = AlertStates.Cleared, ClearedAt = now, Value = state.LastValue };
        state.Active = null;
        state.PendingSince = null;
        _active.TryRemove(cleared.Id, out _);
        lock (_historyGate)
        {
            _history.AddFirst(cleared);
            while (_history.Count > options.HistoryLimit)
            {
                _history.RemoveLast();
            }
        }

        metrics.AlertCleared(cleared.Rule);
        LogCleared(cleared.Id, cleared.Rule, cleared.Node, cleared.Sensor);
        Changed(cleared);
    }

    /// <summary>Takes back an alert active at the last save, held by <paramref name="state"/> (already in the condition store).</summary>
    public void Restored(Alert alert, ConditionState state)
    {
        _active[alert.Id] = state;
        Interlocked.Increment(ref _version);
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

            acked = a with { State = AlertStates.Acknowledged, AckBy = by, AckAt = time.GetUtcNow() };
            state.Active = acked;
        }

        Changed(acked);
        LogAcknowledged(id, acked.Rule, acked.Node, by);
        return AckResult.Acknowledged;
    }

    private void Changed(Alert alert)
    {
        Interlocked.Increment(ref _version);
        queue.Enqueue(alert);
        foreach (var listener in listeners)
        {
            listener.OnAlertChanged(alert);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Id} raised: rule {Rule} ({Severity}) node {Node} sensor {Sensor}: {Text}")]
    private partial void LogRaised(string id, string rule, string severity, string node, string? sensor, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} cleared: rule {Rule} node {Node} sensor {Sensor}")]
    private partial void LogCleared(string id, string rule, string node, string? sensor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Id} acknowledged: rule {Rule} node {Node} by {By}")]
    private partial void LogAcknowledged(string id, string rule, string node, string by);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Max} alerts are active (Hub:Alerts:MaxActive); rule {Rule} on node {Node} was not raised")]
    private partial void LogTooMany(int max, string rule, string node);
}

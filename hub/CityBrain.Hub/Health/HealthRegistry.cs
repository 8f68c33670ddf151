using System.Collections.Concurrent;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Health;

/// <summary>
/// The hub's sensor health registry: per node and sensor, what was last heard, when, and whether it is stale or
/// faulty. Fed by the ingest through <see cref="INodeObserver"/> (fast: one dictionary lookup and a short per-node
/// lock per message, O(1) per reading; never throws). Read by the alert engine and the operators' view.
/// </summary>
public sealed partial class HealthRegistry : INodeObserver
{
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly HealthRegistryOptions _options;
    private readonly StalenessPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HealthMetrics _metrics;
    private readonly RegistryBudget _budget;
    private long _version;
    private long _snapshotProblems;
    private string? _lastSnapshotProblem;

    public HealthRegistry(
        IOptions<HealthRegistryOptions> options,
        TimeProvider time,
        HealthMetrics metrics,
        ILogger<HealthRegistry>? logger = null)
    {
        _options = options.Value;
        _policy = new StalenessPolicy(_options);
        _time = time;
        _metrics = metrics;
        _budget = new RegistryBudget(_options.MaxQuantities);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        metrics.AttachNodeCounts(CountByStatus);
    }

    /// <summary>Grows by one at every change; readers (the live view) poll it to know when to refresh.</summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _nodes.Count;

    public TimeProvider Time => _time;

    /// <summary>Sensor-quantities held, against <see cref="HealthRegistryOptions.MaxQuantities"/>, readings refused by reason, snapshot problems.</summary>
    public RegistryStatistics Statistics()
    {
        long sensorLimit = 0, nodeLimit = 0, registryFull = 0;
        foreach (var node in _nodes.Values)
        {
            lock (node.Gate)
            {
                var (s, n, r) = node.RefusedTotals;
                sensorLimit += s;
                nodeLimit += n;
                registryFull += r;
            }
        }

        return new RegistryStatistics(
            _nodes.Count,
            _budget.Used,
            _budget.Max,
            new Dictionary<string, long>(StringComparer.Ordinal)
            {
                [RegistryRefusals.SensorLimit] = sensorLimit,
                [RegistryRefusals.NodeLimit] = nodeLimit,
                [RegistryRefusals.RegistryFull] = registryFull,
            },
            Interlocked.Read(ref _snapshotProblems),
            Volatile.Read(ref _lastSnapshotProblem));
    }

    /// <summary>Problems with the snapshot read at start so far.</summary>
    public long SnapshotProblems => Interlocked.Read(ref _snapshotProblems);

    /// <summary>Counts a problem with the snapshot read at start (shown in <see cref="Statistics"/>; the caller logs it).</summary>
    public void SnapshotProblem(string problem)
    {
        Interlocked.Increment(ref _snapshotProblems);
        Volatile.Write(ref _lastSnapshotProblem, problem);
        _metrics.SnapshotProblem();
    }

    public void OnTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset receivedAt)
    {
        try
        {
            if (GetOrAdd(topic, out _) is not { } node)
            {
                return;
            }

            int gaps;
            (long Skipped, long Duplicates) before, after;
            (long UnknownQuantity, long UnitMismatch) flaggedBefore, flaggedAfter;
            (long, long, long) refusedBefore, refusedAfter;
            lock (node.Gate)
            {
                before = node.SequenceTotals;
                flaggedBefore = node.UncataloguedTotals;
                refusedBefore = node.RefusedTotals;
                gaps = node.ApplyTelemetry(topic, message, receivedAt);
                after = node.SequenceTotals;
                flaggedAfter = node.UncataloguedTotals;
                refusedAfter = node.RefusedTotals;
            }

            _metrics.SequenceObserved(topic.Node, after.Skipped - before.Skipped, after.Duplicates - before.Duplicates);
            _metrics.UncataloguedObserved(flaggedAfter.UnknownQuantity - flaggedBefore.UnknownQuantity, flaggedAfter.UnitMismatch - flaggedBefore.UnitMismatch);
            ObserveRefusals(topic.Node, refusedBefore, refusedAfter);

            if (gaps > 0)
            {
                LogGap(topic.Node, gaps);
            }

            Interlocked.Increment(ref _version);
        }
        catch (Exception ex) when (!FatalErrors.IsFatal(ex))
        {
            LogObserverFailed(ex, "telemetry", topic.Node);
        }
    }

    public void OnStatus(NodeTopic topic, StatusMessage? status, DateTimeOffset receivedAt)
    {
        try
        {
            if (status is null)
            {
                // The retained status was cleared: the node was decommissioned. Forget it.
                if (_nodes.TryRemove(topic.Node, out var removed))
                {
                    lock (removed.Gate)
                    {
                        _budget.Give(removed.QuantityCount);
                    }

                    LogForgotten(topic.Node);
                    Interlocked.Increment(ref _version);
                }

                return;
            }

            if (!Apply(topic, status, receivedAt, static (node, t, m, at) => node.ApplyStatus(t, m, at)))
            {
                return;
            }

            LogStatus(topic.Node, status.State, status.Reason);
            Interlocked.Increment(ref _version);
        }
        catch (Exception ex) when (!FatalErrors.IsFatal(ex))
        {
            LogObserverFailed(ex, "status", topic.Node);
        }
    }

    public void OnHealth(NodeTopic topic, HealthMessage health, DateTimeOffset receivedAt)
    {
        try
        {
            if (!Apply(topic, health, receivedAt, static (node, t, m, at) => node.ApplyHealth(t, m, at)))
            {
                return;
            }

            Interlocked.Increment(ref _version);
        }
        catch (Exception ex) when (!FatalErrors.IsFatal(ex))
        {
            LogObserverFailed(ex, "health", topic.Node);
        }
    }

    /// <summary>Every node, sorted by district, grid and node id.</summary>
    /// <param name="sparklines">False for callers that need no sparkline points (cheaper).</param>
    public IReadOnlyList<NodeView> GetNodes(bool sparklines = true)
    {
        var now = _time.GetUtcNow();
        var result = new List<NodeView>(_nodes.Count);
        foreach (var node in _nodes.Values)
        {
            lock (node.Gate)
            {
                result.Add(node.ToView(now, _policy, sparklines));
            }
        }

        result.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.District, b.District);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Grid, b.Grid);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Node, b.Node);
        });
        return result;
    }

    /// <summary>
    /// Every node's view, made one at a time as the caller enumerates (unsorted): for the snapshot file, so that a
    /// registry of tens of thousands of sensors with an hour of sparklines is never held as views all at once.
    /// </summary>
    /// <param name="sparklines">False for callers that need no sparkline points (the alert tick, the node-count gauge, the live view's scan).</param>
    public IEnumerable<NodeView> EnumerateNodes(bool sparklines = true)
    {
        foreach (var node in _nodes.Values)
        {
            NodeView view;
            lock (node.Gate)
            {
                view = node.ToView(_time.GetUtcNow(), _policy, sparklines);
            }

            yield return view;
        }
    }

    public NodeView? GetNode(string node, bool sparklines = true)
    {
        if (!_nodes.TryGetValue(node, out var state))
        {
            return null;
        }

        lock (state.Gate)
        {
            return state.ToView(_time.GetUtcNow(), _policy, sparklines);
        }
    }

    /// <summary>Per-node sequence statistics (gaps, duplicates, late fills), sorted by node id.</summary>
    public IReadOnlyList<NodeSequenceSnapshot> SequenceSnapshots()
    {
        var list = new List<NodeSequenceSnapshot>(_nodes.Count);
        foreach (var node in _nodes.Values)
        {
            lock (node.Gate)
            {
                list.Add(node.SequenceSnapshot());
            }
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Node, b.Node));
        return list;
    }

    /// <summary>Street of a node (for alerts), if known.</summary>
    public string? StreetOf(string node)
    {
        if (!_nodes.TryGetValue(node, out var state))
        {
            return null;
        }

        lock (state.Gate)
        {
            return state.Street;
        }
    }

    /// <summary>Loads the last known state of nodes (at hub start); nodes already heard from are left alone.</summary>
    public int Restore(IEnumerable<NodeView> nodes)
    {
        int restored = 0;
        foreach (var view in nodes)
        {
            if (_nodes.Count >= _options.MaxNodes)
            {
                break;
            }

            var state = new NodeState(view.Node, view.District, view.Grid, _options, _budget);
            try
            {
                state.Restore(view);
            }
            catch (Exception ex) when (!FatalErrors.IsFatal(ex))
            {
                // A node the snapshot describes in a way this version cannot apply: skipped, the others restored.
                _budget.Give(state.QuantityCount);
                SnapshotProblem($"node {Truncate(view.Node)} could not be restored: {ex.GetType().Name}");
                LogRestoreFailed(ex, Truncate(view.Node));
                continue;
            }

            if (_nodes.TryAdd(view.Node, state))
            {
                restored++;
            }
            else
            {
                _budget.Give(state.QuantityCount);
            }
        }

        Interlocked.Increment(ref _version);
        return restored;
    }

    /// <summary>
    /// Applies a status or health message to its node under the node's lock; false when the node cannot be added (the
    /// registry is full). A node this message created but could not apply is removed again: no half-registered node.
    /// </summary>
    private bool Apply<T>(NodeTopic topic, T message, DateTimeOffset at, Action<NodeState, NodeTopic, T, DateTimeOffset> apply)
    {
        if (GetOrAdd(topic, out bool created) is not { } node)
        {
            return false;
        }

        (long, long, long) refusedBefore, refusedAfter;
        try
        {
            lock (node.Gate)
            {
                refusedBefore = node.RefusedTotals;
                apply(node, topic, message, at);
                refusedAfter = node.RefusedTotals;
            }
        }
        catch (Exception) when (created)
        {
            if (_nodes.TryRemove(new KeyValuePair<string, NodeState>(topic.Node, node)))
            {
                lock (node.Gate)
                {
                    _budget.Give(node.QuantityCount);
                }
            }

            throw;
        }

        ObserveRefusals(topic.Node, refusedBefore, refusedAfter);
        return true;
    }

    /// <param name="created">True when this call added the node.</param>
    private NodeState? GetOrAdd(NodeTopic topic, out bool created)
    {
        created = false;
        if (_nodes.TryGetValue(topic.Node, out var node))
        {
            return node;
        }

        int count = _nodes.Count;
        if (count >= _options.MaxNodes)
        {
            _metrics.NodeRejected();
            return null;
        }

        var fresh = new NodeState(topic.Node, topic.District, topic.Grid, _options, _budget);
        node = _nodes.GetOrAdd(topic.Node, fresh);
        created = ReferenceEquals(node, fresh);
        if (count + 1 > _options.NodeCountWarning && (count + 1 - _options.NodeCountWarning) % 1000 == 1)
        {
            LogManyNodes(count + 1, _options.NodeCountWarning, _options.MaxNodes);
        }

        return node;
    }

    private Dictionary<string, int> CountByStatus()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [NodeStatus.Online] = 0,
            [NodeStatus.Stale] = 0,
            [NodeStatus.Fault] = 0,
            [NodeStatus.Offline] = 0,
            [NodeStatus.Unknown] = 0,
        };
        foreach (var view in EnumerateNodes(sparklines: false))
        {
            counts[view.Status]++;
        }

        return counts;
    }

    /// <summary>Counts a message's refused readings by reason; logs a warning when a node is refused for the first time or for a new reason.</summary>
    private void ObserveRefusals(string node, (long SensorLimit, long NodeLimit, long RegistryFull) before, (long SensorLimit, long NodeLimit, long RegistryFull) after)
    {
        Observe(RegistryRefusals.SensorLimit, before.SensorLimit, after.SensorLimit);
        Observe(RegistryRefusals.NodeLimit, before.NodeLimit, after.NodeLimit);
        Observe(RegistryRefusals.RegistryFull, before.RegistryFull, after.RegistryFull);

        void Observe(string reason, long was, long now)
        {
            if (now > was)
            {
                _metrics.RegistryRefused(reason, now - was);
                if (was == 0)
                {
                    LogRefused(node, reason, _options.MaxSensorsPerNode, _options.MaxQuantitiesPerNode, _options.MaxQuantities, _budget.Used);
                }
            }
        }
    }

    private static string Truncate(string? id) => id is null ? "(null)" : id.Length <= 64 ? id : id[..64] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: sensors or quantities beyond the registry's caps are not tracked ({Reason}; MaxSensorsPerNode {Sensors}, MaxQuantitiesPerNode {PerNode}, MaxQuantities {Total}, {Used} held); their readings are still stored")]
    private partial void LogRefused(string node, string reason, int sensors, int perNode, int total, long used);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node} in the health snapshot could not be restored; skipped")]
    private partial void LogRestoreFailed(Exception ex, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: {Gaps} new telemetry sequence gap(s)")]
    private partial void LogGap(string node, int gaps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} removed: its retained status was cleared (decommissioned)")]
    private partial void LogForgotten(string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} is {State} (reason {Reason})")]
    private partial void LogStatus(string node, string state, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health registry holds {Count} nodes, above the warning level {Warning} (hard cap {Max}; raise Hub:Health:NodeCountWarning if expected)")]
    private partial void LogManyNodes(int count, int warning, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health registry failed on a {Kind} message of node {Node}")]
    private partial void LogObserverFailed(Exception ex, string kind, string node);
}

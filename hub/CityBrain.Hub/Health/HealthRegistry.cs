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
    private long _version;

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
        _logger = logger ?? (ILogger)NullLogger.Instance;
        metrics.AttachNodeCounts(CountByStatus);
    }

    /// <summary>Grows by one at every change; readers (the live view) poll it to know when to refresh.</summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _nodes.Count;

    public TimeProvider Time => _time;

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
            lock (node.Gate)
            {
                before = node.SequenceTotals;
                flaggedBefore = node.UncataloguedTotals;
                gaps = node.ApplyTelemetry(topic, message, receivedAt);
                after = node.SequenceTotals;
                flaggedAfter = node.UncataloguedTotals;
            }

            _metrics.SequenceObserved(topic.Node, after.Skipped - before.Skipped, after.Duplicates - before.Duplicates);
            _metrics.UncataloguedObserved(flaggedAfter.UnknownQuantity - flaggedBefore.UnknownQuantity, flaggedAfter.UnitMismatch - flaggedBefore.UnitMismatch);

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
                if (_nodes.TryRemove(topic.Node, out _))
                {
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

            var state = new NodeState(view.Node, view.District, view.Grid, _options);
            state.Restore(view);
            if (_nodes.TryAdd(view.Node, state))
            {
                restored++;
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

        try
        {
            lock (node.Gate)
            {
                apply(node, topic, message, at);
            }
        }
        catch (Exception) when (created)
        {
            _nodes.TryRemove(new KeyValuePair<string, NodeState>(topic.Node, node));
            throw;
        }

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

        var fresh = new NodeState(topic.Node, topic.District, topic.Grid, _options);
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

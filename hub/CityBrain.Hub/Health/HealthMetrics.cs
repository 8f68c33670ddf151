using System.Diagnostics.Metrics;

namespace CityBrain.Hub.Health;

/// <summary>
/// The meter <c>CityBrain.Hub.Health</c>: nodes by status (gauges), alerts raised and cleared, alert publishing
/// failures, what the registry had to refuse, and telemetry sequence gaps and duplicates.
/// </summary>
public sealed class HealthMetrics : IDisposable
{
    public const string MeterName = "CityBrain.Hub.Health";

    private readonly Meter _meter;
    private readonly Counter<long> _alertsRaised;
    private readonly Counter<long> _alertsCleared;
    private readonly Counter<long> _alertPublishFailures;
    private readonly Counter<long> _alertsDropped;
    private readonly Counter<long> _nodesRejected;
    private readonly Counter<long> _sequenceGaps;
    private readonly Counter<long> _sequenceDuplicates;
    private readonly Counter<long> _uncatalogued;
    private readonly Counter<long> _registryRefused;
    private readonly Counter<long> _snapshotProblems;
    private Func<IReadOnlyDictionary<string, int>>? _nodeCounts;

    public HealthMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _alertsRaised = _meter.CreateCounter<long>("citybrain.hub.alerts.raised", description: "Alerts raised, by rule and severity.");
        _alertsCleared = _meter.CreateCounter<long>("citybrain.hub.alerts.cleared", description: "Alerts cleared, by rule.");
        _alertPublishFailures = _meter.CreateCounter<long>("citybrain.hub.alerts.publish_failures", description: "Alert messages that could not be published (after retries).");
        _alertsDropped = _meter.CreateCounter<long>("citybrain.hub.alerts.dropped", description: "Alert messages dropped because the publish queue was full.");
        _nodesRejected = _meter.CreateCounter<long>("citybrain.hub.health.nodes_rejected", description: "Messages of new nodes ignored because the registry is at its node cap.");
        _sequenceGaps = _meter.CreateCounter<long>("citybrain.hub.sequence.gaps", "{reading}", "Sequence numbers skipped by nodes (readings missing)");
        _sequenceDuplicates = _meter.CreateCounter<long>("citybrain.hub.sequence.duplicates", "{reading}", "Readings whose sequence number was already seen");
        _uncatalogued = _meter.CreateCounter<long>("citybrain.hub.readings.uncatalogued", "{reading}", "Readings stored with a quantity or unit the catalogue does not know, by reason (unknown_quantity, unit_mismatch)");
        _registryRefused = _meter.CreateCounter<long>("citybrain.hub.registry.refused", "{reading}", "Readings of sensors or quantities the health registry does not track (a cap was reached; still stored), by reason (sensor_limit, node_limit, registry_full)");
        _snapshotProblems = _meter.CreateCounter<long>("citybrain.hub.snapshot.problems", description: "Problems with the health snapshot read at start (unreadable lines, nodes that could not be restored, a file moved aside)");
        _meter.CreateObservableGauge("citybrain.hub.nodes", ObserveNodes, description: "Nodes by status (online, stale, fault, offline, unknown).");
    }

    /// <summary>The meter itself (for listeners in tests; exporters subscribe by <see cref="MeterName"/>).</summary>
    public Meter Meter => _meter;

    /// <summary>Called once by the registry so the gauges can count its nodes when observed.</summary>
    internal void AttachNodeCounts(Func<IReadOnlyDictionary<string, int>> counts) => _nodeCounts = counts;

    public void AlertRaised(string rule, string severity) =>
        _alertsRaised.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("severity", severity));

    public void AlertCleared(string rule) => _alertsCleared.Add(1, new KeyValuePair<string, object?>("rule", rule));

    public void AlertPublishFailed() => _alertPublishFailures.Add(1);

    public void AlertDropped() => _alertsDropped.Add(1);

    public void NodeRejected() => _nodesRejected.Add(1);

    /// <summary>Counts a message's skipped sequence numbers and duplicates (nothing when both are zero).</summary>
    public void SequenceObserved(string node, long skipped, long duplicates)
    {
        if (skipped > 0)
        {
            _sequenceGaps.Add(skipped, new KeyValuePair<string, object?>("node", node));
        }

        if (duplicates > 0)
        {
            _sequenceDuplicates.Add(duplicates, new KeyValuePair<string, object?>("node", node));
        }
    }

    /// <summary>Counts a message's readings of uncatalogued quantities and units (nothing when both are zero).</summary>
    public void UncataloguedObserved(long unknownQuantity, long unitMismatch)
    {
        if (unknownQuantity > 0)
        {
            _uncatalogued.Add(unknownQuantity, new KeyValuePair<string, object?>("reason", UncataloguedReasons.UnknownQuantity));
        }

        if (unitMismatch > 0)
        {
            _uncatalogued.Add(unitMismatch, new KeyValuePair<string, object?>("reason", UncataloguedReasons.UnitMismatch));
        }
    }

    public void RegistryRefused(string reason, long readings) => _registryRefused.Add(readings, new KeyValuePair<string, object?>("reason", reason));

    public void SnapshotProblem() => _snapshotProblems.Add(1);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveNodes()
    {
        if (_nodeCounts is null)
        {
            yield break;
        }

        foreach (var (status, count) in _nodeCounts())
        {
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>("status", status));
        }
    }
}

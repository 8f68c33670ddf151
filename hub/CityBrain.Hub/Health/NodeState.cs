using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Health;

/// <summary>
/// Everything the registry keeps for one node. Every member is read and written under <see cref="Gate"/>, held only
/// for the few field updates of one message.
/// </summary>
internal sealed class NodeState
{
    private readonly HealthRegistryOptions _options;
    private readonly Dictionary<string, SensorState> _sensors = new(StringComparer.Ordinal);
    private readonly SequenceTracker _sequence = new();

    public NodeState(string node, string district, string grid, HealthRegistryOptions options)
    {
        Node = node;
        District = district;
        Grid = grid;
        _options = options;
    }

    public Lock Gate { get; } = new();

    public string Node { get; }

    public string District { get; private set; }

    public string Grid { get; private set; }

    public string? Street { get; private set; }

    public string? City { get; private set; }

    /// <summary>online, offline or unknown.</summary>
    public string State { get; private set; } = NodeStatus.Unknown;

    public string? OfflineReason { get; private set; }

    public DateTimeOffset? StateSince { get; private set; }

    public string? Boot { get; private set; }

    public string? Software { get; private set; }

    public DateTimeOffset? LastSeen { get; private set; }

    public DateTimeOffset? LastTelemetry { get; private set; }

    public DateTimeOffset? LastHealth { get; private set; }

    public DateTimeOffset? LastGapAt { get; private set; }

    /// <summary>When the hub received the last status message (not persisted: after a restart the retained status comes again).</summary>
    public DateTimeOffset? LastStatusAt { get; private set; }

    public int HealthIntervalS { get; private set; }

    public NodeBufferView? Buffer { get; private set; }

    public NodePublishView? Publish { get; private set; }

    public bool Restored { get; private set; }

    /// <summary>Sensors dropped because the node has more than the configured cap.</summary>
    public long SensorsRejected { get; private set; }

    public void ApplyStatus(NodeTopic topic, StatusMessage status, DateTimeOffset at)
    {
        Touch(topic, at);
        bool online = status.State == StatusMessage.Online;
        string newState = online ? NodeStatus.Online : NodeStatus.Offline;
        if (newState != State || status.Boot != Boot)
        {
            // Online: the node says when it came up. Offline: a Will's ts is when the lost connection was made, so
            // the hub's receive time is when the node went offline.
            StateSince = online && status.Timestamp > 0 ? Min(DateTimeOffset.FromUnixTimeMilliseconds(status.Timestamp), at) : at;
        }

        if (online && Boot is not null && status.Boot is not null && status.Boot != Boot && _sequence.Highest >= 0)
        {
            // A new process run; the sequence survives restarts, but if it went back far the node lost its store.
            LastBootChange = true;
        }

        State = newState;
        LastStatusAt = at;
        OfflineReason = online ? null : status.Reason ?? "unknown";
        Boot = status.Boot ?? Boot;
        Software = status.Software ?? Software;
        if (status.Location is { } location)
        {
            Street = location.Street;
            City = location.City;
        }

        if (online && status.Sensors is { } sensors)
        {
            foreach (var info in sensors)
            {
                if (GetSensor(info.Id) is { } sensor)
                {
                    sensor.Driver = info.Driver;
                    sensor.IntervalMs = info.IntervalMs;
                }
            }
        }
    }

    /// <summary>Set when the node came back with a new boot id; the next sequence far below the highest resets tracking.</summary>
    private bool LastBootChange { get; set; }

    public void ApplyHealth(NodeTopic topic, HealthMessage health, DateTimeOffset at)
    {
        Touch(topic, at);
        LastHealth = at;
        HealthIntervalS = health.IntervalSeconds;
        if (health.Boot is not null)
        {
            Boot = health.Boot;
        }

        Buffer = new NodeBufferView(
            health.Buffer.Readings,
            health.Buffer.Bytes,
            health.Buffer.OldestAgeSeconds,
            new Dictionary<string, long>(health.Buffer.Dropped, StringComparer.Ordinal));
        Publish = new NodePublishView(
            health.Publish.Connected,
            health.Publish.Reconnects,
            health.Publish.LatencyP50Ms,
            health.Publish.LatencyP99Ms,
            health.Publish.LastError);
        foreach (var h in health.Sensors)
        {
            if (GetSensor(h.Id) is not { } sensor)
            {
                continue;
            }

            sensor.HealthStatus = h.Status;
            sensor.LastError = h.LastError ?? sensor.LastError;
            sensor.Sampled = h.Sampled;
            sensor.Filtered = h.Filtered;
            sensor.Faults = h.Faults;
            sensor.Overruns = h.Overruns;
            if (h.LastReadingTs is { } ts)
            {
                // A successful read at the edge counts as a sign of life even when a deadband dropped its value;
                // never later than now (edge clocks drift).
                var readAt = DateTimeOffset.FromUnixTimeMilliseconds(ts);
                sensor.Seen(readAt > at ? at : readAt);
            }
        }
    }

    /// <summary>This node's sequence statistics for /ingest/stats.</summary>
    public Ingest.NodeSequenceSnapshot SequenceSnapshot() =>
        new(Node, _sequence.Highest, _sequence.Received, _sequence.Missing, _sequence.Duplicates + _sequence.Late, _sequence.Filled);

    /// <summary>Sequence numbers skipped and duplicates seen so far (for the counters: callers take differences).</summary>
    public (long Skipped, long Duplicates) SequenceTotals => (_sequence.Skipped, _sequence.Duplicates + _sequence.Late);

    /// <returns>Number of new sequence gaps this batch opened.</returns>
    public int ApplyTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset at)
    {
        Touch(topic, at);
        LastTelemetry = at;
        int gaps = 0;
        SensorState? sensor = null;
        QuantityState? quantity = null;
        foreach (var (seq, r) in message.ReadingSpan())
        {
            if (LastBootChange && _sequence.Highest - seq > SequenceTracker.Window)
            {
                _sequence.Reset();
            }

            LastBootChange = false;
            if (_sequence.Observe(seq))
            {
                gaps++;
                LastGapAt = at;
            }

            if (sensor is null || sensor.Id != r.Sensor)
            {
                sensor = GetSensor(r.Sensor);
                quantity = null;
                if (sensor is null)
                {
                    continue;
                }
            }

            sensor.Seen(at);
            if (quantity is null || quantity.Quantity != r.Quantity)
            {
                quantity = GetQuantity(sensor, r.Quantity);
                if (quantity is null)
                {
                    continue;
                }
            }

            if (r.Timestamp >= quantity.Timestamp)
            {
                quantity.Value = r.Value;
                if (!ReferenceEquals(quantity.Unit, r.Unit))
                {
                    quantity.Unit = r.Unit; // only when it changed (a card to scan otherwise; the codec shares unit strings)
                }

                quantity.Quality = r.Quality;
                quantity.Timestamp = r.Timestamp;
            }

            quantity.Ring.Add(r.TimestampMs, r.Value);
        }

        return gaps;
    }

    public void Restore(NodeView view)
    {
        Street = view.Street;
        City = view.City;
        State = view.State;
        OfflineReason = view.OfflineReason;
        StateSince = view.StateSince;
        Boot = view.Boot;
        Software = view.Software;
        LastSeen = view.LastSeen;
        LastTelemetry = view.LastTelemetry;
        LastHealth = view.LastHealth;
        LastGapAt = view.Sequence.LastGapAt;
        HealthIntervalS = view.HealthIntervalS;
        Buffer = view.Buffer;
        Publish = view.Publish;
        _sequence.Restore(view.Sequence);
        Restored = true;
        foreach (var s in view.Sensors)
        {
            if (GetSensor(s.Id) is not { } sensor)
            {
                continue;
            }

            sensor.Driver = s.Driver;
            sensor.IntervalMs = s.IntervalMs;
            sensor.HealthStatus = s.HealthStatus;
            sensor.LastSeen = s.LastSeen;
            sensor.LastError = s.LastError;
            sensor.Sampled = s.Sampled;
            sensor.Filtered = s.Filtered;
            sensor.Faults = s.Faults;
            sensor.Overruns = s.Overruns;
            foreach (var q in s.Quantities)
            {
                if (GetQuantity(sensor, q.Quantity) is { } quantity)
                {
                    quantity.Unit = q.Unit;
                    quantity.Value = q.Value;
                    quantity.Quality = Sensing.QualityNames.TryParse(q.Quality, out var quality) ? quality : Sensing.Quality.Uncertain;
                    quantity.Timestamp = q.Timestamp;
                    quantity.Ring.Load(q.Spark);
                }
            }
        }
    }

    public NodeView ToView(DateTimeOffset now, StalenessPolicy policy, bool sparklines)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        var sensors = new List<SensorView>(_sensors.Count);
        bool anyFault = false, anyStale = false;
        foreach (var s in _sensors.Values)
        {
            string status = SensorStatusAt(s, now, policy);
            anyFault |= status == SensorStatus.Fault;
            anyStale |= status == SensorStatus.Stale;
            var quantities = new List<QuantityView>(s.Quantities.Count);
            foreach (var q in s.Quantities)
            {
                quantities.Add(sparklines ? q.ToView(nowMs) : new QuantityView(q.Quantity, q.Unit, q.Value, Sensing.QualityNames.ToWire(q.Quality), q.Timestamp, []));
            }

            sensors.Add(new SensorView
            {
                Id = s.Id,
                Driver = s.Driver,
                IntervalMs = s.IntervalMs,
                Status = status,
                HealthStatus = s.HealthStatus,
                LastSeen = s.LastSeen,
                LastError = s.LastError,
                Sampled = s.Sampled,
                Filtered = s.Filtered,
                Faults = s.Faults,
                Overruns = s.Overruns,
                Quantities = quantities,
            });
        }

        sensors.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        bool silent = IsSilent(now, policy);
        string overall = State == NodeStatus.Offline ? NodeStatus.Offline
            : anyFault ? NodeStatus.Fault
            : silent || anyStale ? NodeStatus.Stale
            : State == NodeStatus.Online ? NodeStatus.Online
            : NodeStatus.Unknown;
        return new NodeView
        {
            Node = Node,
            District = District,
            Grid = Grid,
            Street = Street,
            City = City,
            Status = overall,
            State = State,
            OfflineReason = OfflineReason,
            StateSince = StateSince,
            Boot = Boot,
            Software = Software,
            LastSeen = LastSeen,
            LastTelemetry = LastTelemetry,
            LastHealth = LastHealth,
            HealthIntervalS = HealthIntervalS,
            Buffer = Buffer,
            Publish = Publish,
            Sequence = new NodeSequenceView(_sequence.Highest, _sequence.Missing, _sequence.Gaps, _sequence.Duplicates, _sequence.Late, LastGapAt),
            Restored = Restored,
            Silent = silent,
            Sensors = sensors,
        };
    }

    /// <summary>No health and no telemetry for longer than the node's health interval allows.</summary>
    public bool IsSilent(DateTimeOffset now, StalenessPolicy policy)
    {
        // An online status (birth) is a sign of life too: a node back from offline is not silent at once.
        var reference = Latest(Latest(LastHealth, LastTelemetry), State == NodeStatus.Online ? LastStatusAt : null) ?? StateSince ?? LastSeen;
        return reference is { } r && now - r > policy.NodeLimit(HealthIntervalS);
    }

    private string SensorStatusAt(SensorState s, DateTimeOffset now, StalenessPolicy policy)
    {
        if (s.HealthStatus == SensorHealth.Fault)
        {
            return SensorStatus.Fault;
        }

        // A sensor announced but never heard from counts from the moment its node came online.
        var reference = s.LastSeen ?? (State == NodeStatus.Online ? StateSince : null);
        if (reference is { } r && now - r > policy.SensorLimit(s.IntervalMs))
        {
            return SensorStatus.Stale;
        }

        return s.LastSeen is null && s.HealthStatus is null or SensorHealth.Idle ? SensorStatus.Idle : SensorStatus.Ok;
    }

    private void Touch(NodeTopic topic, DateTimeOffset at)
    {
        // Reference stores into this long-lived object only when something changed: each one marks a card that the
        // next young-generation collection has to scan.
        if (!string.Equals(District, topic.District, StringComparison.Ordinal))
        {
            District = topic.District;
        }

        if (!string.Equals(Grid, topic.Grid, StringComparison.Ordinal))
        {
            Grid = topic.Grid;
        }

        if (LastSeen is null || at > LastSeen)
        {
            LastSeen = at;
        }

        Restored = false;
    }

    private SensorState? GetSensor(string id)
    {
        if (_sensors.TryGetValue(id, out var sensor))
        {
            return sensor;
        }

        if (_sensors.Count >= _options.MaxSensorsPerNode)
        {
            SensorsRejected++;
            return null;
        }

        sensor = new SensorState(id);
        _sensors.Add(id, sensor);
        return sensor;
    }

    private QuantityState? GetQuantity(SensorState sensor, string quantity)
    {
        if (sensor.Find(quantity) is { } state)
        {
            return state;
        }

        if (sensor.Quantities.Count >= _options.MaxSensorsPerNode)
        {
            SensorsRejected++;
            return null;
        }

        state = new QuantityState(quantity, _options.SparklineBucket, _options.SparklinePoints);
        sensor.Quantities.Add(state);
        return state;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}

using CityBrain.Sensing.Catalogue;
using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.Health;

/// <summary>
/// Everything the registry keeps for one node. Every member is read and written under <see cref="Gate"/>, held only
/// for the few field updates of one message.
/// <para>
/// The node's sensors and quantities are structs in arrays, and the sparkline slots of all its quantities share one
/// array: a city holds tens of thousands of sensor-quantities, and an object per sensor, per quantity and per ring
/// (headers, references, array headers) and a dictionary entry per sensor came to ~480 bytes each, ~370 this way (see
/// <c>citybrain-bench hub-registry</c>). Sensors are found through a small open-addressing index, and first by a hint
/// (the sensor after the last one found: nodes list their sensors in the same order in every message).
/// </para>
/// </summary>
internal sealed class NodeState
{
    private readonly HealthRegistryOptions _options;
    private readonly RegistryBudget _budget;
    private readonly SequenceTracker _sequence = new();
    private readonly int _points;
    private readonly long _bucketMs;

    private SensorEntry[] _sensors = [];
    private int _sensorCount;

    // Open addressing (linear probing) over _sensors: sensor index + 1, 0 = empty; a power of two, at most half full.
    private int[] _index = [];
    private int _hint;

    private QuantityEntry[] _quantities = [];
    private int _quantityCount;

    // Quantities (by index) whose name or unit the catalogue does not know, with the check's answer; null while every
    // quantity of the node is catalogued (the usual case: no lookup per reading then).
    private Dictionary<int, CatalogueCheck>? _uncatalogued;

    // The sparkline slots of quantity i are [i × _points, (i + 1) × _points).
    private SparkSlot[] _slots = [];

    // Entries the message being applied is expected to add, when the node has none yet: its arrays are then made the
    // right size at once instead of growing step by step (hundreds of nodes coming online at hub start made ~60 MB of
    // outgrown arrays at once). Zero otherwise.
    private int _room;

    public NodeState(string node, string district, string grid, HealthRegistryOptions options, RegistryBudget budget)
    {
        _budget = budget;
        Node = node;
        District = district;
        Grid = grid;
        _options = options;
        _points = options.SparklinePoints;
        _bucketMs = Math.Max(1, (long)options.SparklineBucket.TotalMilliseconds);
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

    /// <summary>Readings of sensors or quantities the registry does not track (a cap was reached; the readings are still stored), so far.</summary>
    public long RefusedReadings { get; private set; }

    /// <summary>Why the last refused reading was not tracked (<see cref="RegistryRefusals"/>); null while none was refused.</summary>
    public string? RefusedReason => _refusedReason;

    private string? _refusedReason;

    /// <summary>Refused readings by reason so far (callers take differences).</summary>
    public (long SensorLimit, long NodeLimit, long RegistryFull) RefusedTotals => (_refusedSensorLimit, _refusedNodeLimit, _refusedRegistryFull);

    /// <summary>Sensor-quantities this node holds (its share of <see cref="RegistryBudget"/>).</summary>
    public int QuantityCount => _quantityCount;

    private long _refusedSensorLimit;
    private long _refusedNodeLimit;
    private long _refusedRegistryFull;

    /// <summary>Readings whose quantity (<c>unknown_quantity</c>) or unit (<c>unit_mismatch</c>) is not the catalogue's, so far (callers take differences).</summary>
    public (long UnknownQuantity, long UnitMismatch) UncataloguedTotals => (_unknownQuantityReadings, _unitMismatchReadings);

    private long _unknownQuantityReadings;
    private long _unitMismatchReadings;

    /// <remarks>
    /// All or nothing: nothing in here throws on a message's values (the router checked them, and times out of range
    /// fall back to the receive time), so a status is never half applied.
    /// </remarks>
    public void ApplyStatus(NodeTopic topic, StatusMessage status, DateTimeOffset at)
    {
        bool online = status.State == StatusMessage.Online;
        string newState = online ? NodeStatus.Online : NodeStatus.Offline;

        // Online: the node says when it came up. Offline: a Will's ts is when the lost connection was made, so the
        // hub's receive time is when the node went offline.
        var since = online && TryTime(status.Timestamp, out var announced) ? Min(announced, at) : at;
        Touch(topic, at);
        if (newState != State || status.Boot != Boot)
        {
            StateSince = since;
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
            _room = _sensorCount == 0 ? sensors.Count : 0;
            foreach (var info in sensors)
            {
                int s = GetSensor(info.Id);
                if (s >= 0)
                {
                    ref var sensor = ref _sensors[s];
                    Set(ref sensor.Driver, info.Driver);
                    sensor.IntervalMs = info.IntervalMs;
                }
            }

            TrimExcess();
        }
    }

    /// <summary>Set when the node came back with a new boot id; the next sequence far below the highest resets tracking.</summary>
    private bool LastBootChange { get; set; }

    /// <remarks>All or nothing: the views are made before anything is changed (the router checked the values).</remarks>
    public void ApplyHealth(NodeTopic topic, HealthMessage health, DateTimeOffset at)
    {
        var buffer = new NodeBufferView(
            health.Buffer.Readings,
            health.Buffer.Bytes,
            health.Buffer.OldestAgeSeconds,
            new Dictionary<string, long>(health.Buffer.Dropped, StringComparer.Ordinal))
        {
            State = health.Buffer.State,
            HeldInMemory = health.Buffer.HeldInMemory,
        };
        var publish = new NodePublishView(
            health.Publish.Connected,
            health.Publish.Reconnects,
            health.Publish.LatencyP50Ms,
            health.Publish.LatencyP99Ms,
            health.Publish.LastError)
        {
            NoSubscribers = health.Publish.NoSubscribers,
            Held = health.Publish.Held,
        };
        Touch(topic, at);
        LastHealth = at;
        HealthIntervalS = health.IntervalSeconds;
        if (health.Boot is not null)
        {
            Boot = health.Boot;
        }

        Buffer = buffer;
        Publish = publish;
        foreach (var h in health.Sensors)
        {
            int s = GetSensor(h.Id);
            if (s < 0)
            {
                continue;
            }

            ref var sensor = ref _sensors[s];
            Set(ref sensor.HealthStatus, h.Status);
            if (h.LastError is not null)
            {
                sensor.LastError = h.LastError;
            }

            sensor.Sampled = h.Sampled;
            sensor.Filtered = h.Filtered;
            sensor.Faults = h.Faults;
            sensor.Overruns = h.Overruns;
            if (h.LastReadingTs is { } ts && TryTime(ts, out var readAt))
            {
                // A successful read at the edge counts as a sign of life even when a deadband dropped its value;
                // never later than now (edge clocks drift).
                sensor.Seen(readAt > at ? at : readAt);
            }
        }
    }

    /// <summary>A node's Unix-millisecond time, if it is one the contract allows (1970..2100); never throws.</summary>
    private static bool TryTime(long ms, out DateTimeOffset time)
    {
        bool ok = ms is > 0 and <= TelemetryCodec.MaxTimestampMs;
        time = ok ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : default;
        return ok;
    }

    /// <summary>This node's sequence statistics for /ingest/stats.</summary>
    public Ingest.NodeSequenceSnapshot SequenceSnapshot() =>
        new(Node, _sequence.Highest, _sequence.Received, _sequence.Missing, _sequence.Duplicates + _sequence.Late, _sequence.Filled);

    /// <summary>Sequence numbers skipped and duplicates seen so far (for the counters: callers take differences).</summary>
    public (long Skipped, long Duplicates) SequenceTotals => (_sequence.Skipped, _sequence.Duplicates + _sequence.Late);

    /// <summary>Observes one seq (after a boot change far behind the last one, the tracker starts afresh); true when it opened a gap.</summary>
    private bool ObserveSeq(long seq, DateTimeOffset at)
    {
        if (LastBootChange && _sequence.Highest - seq > SequenceTracker.Window)
        {
            _sequence.Reset();
        }

        LastBootChange = false;
        if (!_sequence.Observe(seq))
        {
            return false;
        }

        LastGapAt = at;
        return true;
    }

    /// <summary>The seqs of the good and the rejected readings in the order the message carried them.</summary>
    private int ObserveMerged(ReadOnlySpan<CityBrain.Sensing.SequencedReading> readings, IReadOnlyList<RejectedReading> rejected, DateTimeOffset at)
    {
        int gaps = 0, next = 0, position = 0;
        foreach (var (seq, _) in readings)
        {
            while (next < rejected.Count && rejected[next].Index == position)
            {
                gaps += rejected[next++].Seq is { } bad && ObserveSeq(bad, at) ? 1 : 0;
                position++;
            }

            gaps += ObserveSeq(seq, at) ? 1 : 0;
            position++;
        }

        while (next < rejected.Count)
        {
            gaps += rejected[next++].Seq is { } bad && ObserveSeq(bad, at) ? 1 : 0;
        }

        return gaps;
    }

    /// <returns>Number of new sequence gaps this batch opened.</returns>
    public int ApplyTelemetry(NodeTopic topic, TelemetryMessage message, DateTimeOffset at)
    {
        Touch(topic, at);
        LastTelemetry = at;
        int gaps = 0;
        int sensor = -1, quantity = -1;
        long atTicks = at.UtcTicks;
        var readings = message.ReadingSpan();
        _room = _quantityCount == 0 ? Runs(readings) : 0;

        // A dead-lettered reading was delivered, not lost: its seq is observed in its place among the others, so it
        // opens no gap (one whose seq could not be read still does).
        bool merged = message.Rejected.Count > 0;
        if (merged)
        {
            gaps += ObserveMerged(readings, message.Rejected, at);
        }

        foreach (var (seq, r) in readings)
        {
            if (!merged && ObserveSeq(seq, at))
            {
                gaps++;
            }

            if (sensor < 0 || !string.Equals(_sensors[sensor].Id, r.Sensor, StringComparison.Ordinal))
            {
                sensor = GetSensor(r.Sensor);
                quantity = -1;
                if (sensor < 0)
                {
                    continue;
                }
            }

            _sensors[sensor].Seen(atTicks);
            if (quantity < 0 || !string.Equals(_quantities[quantity].Quantity, r.Quantity, StringComparison.Ordinal))
            {
                quantity = GetQuantity(sensor, r.Quantity);
                if (quantity < 0)
                {
                    continue;
                }
            }

            ref var q = ref _quantities[quantity];
            long ticks = r.Timestamp.UtcTicks;
            if (ticks >= q.TimestampTicks)
            {
                q.Value = r.Value;
                if (!string.Equals(q.Unit, r.Unit, StringComparison.Ordinal))
                {
                    q.Unit = r.Unit;
                    Classify(quantity, q.Quantity, q.Unit);
                }

                q.Quality = r.Quality;
                q.TimestampTicks = ticks;
            }

            if (_uncatalogued is not null && _uncatalogued.TryGetValue(quantity, out var flagged))
            {
                if (flagged.Status == CatalogueStatus.UnknownQuantity)
                {
                    _unknownQuantityReadings++;
                }
                else
                {
                    _unitMismatchReadings++;
                }
            }

            q.Spark.Add(Slots(quantity), _bucketMs, r.TimestampMs, r.Value);
        }

        TrimExcess();
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
        RefusedReadings = view.RefusedReadings;
        _refusedReason = view.RefusedReason;
        Restored = true;
        _room = view.Sensors.Sum(s => Math.Max(1, s.Quantities.Count));
        foreach (var s in view.Sensors)
        {
            int index = GetSensor(s.Id);
            if (index < 0)
            {
                continue;
            }

            ref var sensor = ref _sensors[index];
            sensor.Driver = s.Driver;
            sensor.IntervalMs = s.IntervalMs;
            sensor.HealthStatus = s.HealthStatus;
            sensor.LastSeenTicks = s.LastSeen?.UtcTicks ?? long.MinValue;
            sensor.LastError = s.LastError;
            sensor.Sampled = s.Sampled;
            sensor.Filtered = s.Filtered;
            sensor.Faults = s.Faults;
            sensor.Overruns = s.Overruns;
            foreach (var q in s.Quantities)
            {
                int quantity = GetQuantity(index, q.Quantity);
                if (quantity >= 0)
                {
                    ref var state = ref _quantities[quantity];
                    state.Unit = q.Unit;
                    Classify(quantity, state.Quantity, state.Unit);
                    state.Value = q.Value;
                    state.Quality = Sensing.QualityNames.TryParse(q.Quality, out var quality) ? quality : Sensing.Quality.Uncertain;
                    state.TimestampTicks = q.Timestamp.UtcTicks;
                    state.Spark.Load(Slots(quantity), _bucketMs, q.Spark);
                }
            }
        }

        TrimExcess();
    }

    public NodeView ToView(DateTimeOffset now, StalenessPolicy policy, bool sparklines)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        var sensors = new List<SensorView>(_sensorCount);
        bool anyFault = false, anyStale = false;
        for (int i = 0; i < _sensorCount; i++)
        {
            ref readonly var s = ref _sensors[i];
            string status = SensorStatusAt(s, now, policy);
            anyFault |= status == SensorStatus.Fault;
            anyStale |= status == SensorStatus.Stale;
            var quantities = new List<QuantityView>(1);
            for (int q = s.FirstQuantity; q >= 0; q = _quantities[q].Next)
            {
                ref readonly var state = ref _quantities[q];
                quantities.Add(new QuantityView(
                    state.Quantity,
                    state.Unit,
                    state.Value,
                    Sensing.QualityNames.ToWire(state.Quality),
                    new DateTimeOffset(state.TimestampTicks, TimeSpan.Zero),
                    sparklines ? state.Spark.Points(Slots(q), _bucketMs, nowMs) : [])
                {
                    Catalogue = CatalogueFlag(q, out string? expected),
                    CatalogueUnit = expected,
                });
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
            RefusedReadings = RefusedReadings,
            RefusedReason = RefusedReason,
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

    private string SensorStatusAt(in SensorEntry s, DateTimeOffset now, StalenessPolicy policy)
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

    /// <summary>The index of sensor <paramref name="id"/>, added if new; -1 when the node has too many sensors.</summary>
    private int GetSensor(string id)
    {
        int hint = _hint;
        if (hint < _sensorCount && string.Equals(_sensors[hint].Id, id, StringComparison.Ordinal))
        {
            _hint = hint + 1;
            return hint;
        }

        int mask = _index.Length - 1;
        int slot = mask < 0 ? 0 : id.GetHashCode() & mask;
        if (mask >= 0)
        {
            for (int found; (found = _index[slot]) != 0; slot = (slot + 1) & mask)
            {
                if (string.Equals(_sensors[found - 1].Id, id, StringComparison.Ordinal))
                {
                    _hint = found;
                    return found - 1;
                }
            }
        }

        if (_sensorCount >= _options.MaxSensorsPerNode)
        {
            return Refuse(RegistryRefusals.SensorLimit);
        }

        if (_sensorCount == _sensors.Length)
        {
            Array.Resize(ref _sensors, Math.Min(Grow(_sensorCount), _options.MaxSensorsPerNode));
        }

        int index = _sensorCount++;
        _sensors[index] = new SensorEntry(id);
        if (_sensorCount * 2 > _index.Length)
        {
            RebuildIndex();
        }
        else
        {
            _index[slot] = index + 1;
        }

        _hint = index + 1;
        return index;
    }

    private void RebuildIndex()
    {
        _index = new int[Math.Max(8, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_sensorCount * 2))];
        int mask = _index.Length - 1;
        for (int i = 0; i < _sensorCount; i++)
        {
            int slot = _sensors[i].Id.GetHashCode() & mask;
            while (_index[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _index[slot] = i + 1;
        }
    }

    /// <summary>The index of <paramref name="quantity"/> of sensor <paramref name="sensor"/>, added if new; -1 when there are too many.</summary>
    private int GetQuantity(int sensor, string quantity)
    {
        int count = 0, last = -1;
        for (int q = _sensors[sensor].FirstQuantity; q >= 0; q = _quantities[q].Next)
        {
            if (string.Equals(_quantities[q].Quantity, quantity, StringComparison.Ordinal))
            {
                return q;
            }

            count++;
            last = q;
        }

        // Per sensor and per node as configured (and as far as one array of slots can hold), and in the whole registry.
        if (count >= _options.MaxSensorsPerNode)
        {
            return Refuse(RegistryRefusals.SensorLimit);
        }

        if (_quantityCount >= _options.MaxQuantitiesPerNode || (long)(_quantityCount + 1) * _points > Array.MaxLength)
        {
            return Refuse(RegistryRefusals.NodeLimit);
        }

        if (!_budget.TryTake())
        {
            return Refuse(RegistryRefusals.RegistryFull);
        }

        if (_quantityCount == _quantities.Length)
        {
            int capacity = (int)Math.Min(Math.Min(Grow(_quantityCount), _options.MaxQuantitiesPerNode), Array.MaxLength / _points);
            Array.Resize(ref _quantities, capacity);
            Array.Resize(ref _slots, capacity * _points);
        }

        int index = _quantityCount++;
        _quantities[index] = new QuantityEntry(quantity);
        if (last < 0)
        {
            _sensors[sensor].FirstQuantity = index;
        }
        else
        {
            _quantities[last].Next = index;
        }

        return index;
    }

    /// <summary>Counts a reading the registry does not track, by <paramref name="reason"/>; returns -1 (not found, not added).</summary>
    private int Refuse(string reason)
    {
        RefusedReadings++;
        Set(ref _refusedReason, reason);
        switch (reason)
        {
            case RegistryRefusals.SensorLimit: _refusedSensorLimit++; break;
            case RegistryRefusals.NodeLimit: _refusedNodeLimit++; break;
            default: _refusedRegistryFull++; break;
        }

        return -1;
    }

    /// <summary>Looks the quantity and its unit up in the catalogue (when the unit changes: not per reading) and keeps the answer if it is a flag.</summary>
    private void Classify(int index, string quantity, string unit)
    {
        var check = QuantityCatalogue.Default.Check(quantity, unit);
        if (check.IsValid)
        {
            _uncatalogued?.Remove(index);
            if (_uncatalogued is { Count: 0 })
            {
                _uncatalogued = null;
            }
        }
        else
        {
            (_uncatalogued ??= [])[index] = check;
        }
    }

    /// <summary>The view's flag for quantity <paramref name="index"/>: null when catalogued, else the reason and the catalogue's unit.</summary>
    private string? CatalogueFlag(int index, out string? expectedUnit)
    {
        expectedUnit = null;
        if (_uncatalogued is null || !_uncatalogued.TryGetValue(index, out var check))
        {
            return null;
        }

        expectedUnit = check.ExpectedUnit;
        return check.Status == CatalogueStatus.UnknownQuantity ? UncataloguedReasons.UnknownQuantity : UncataloguedReasons.UnitMismatch;
    }

    private Span<SparkSlot> Slots(int quantity) => _slots.AsSpan(quantity * _points, _points);

    /// <summary>
    /// The capacity for one more entry: room for what the message is expected to add, or an eighth more (at least 4):
    /// nodes add their sensors once, and unused capacity would stay for good.
    /// </summary>
    private int Grow(int count) => count + Math.Max(_room, Math.Max(4, count / 8));

    /// <summary>Gives back capacity an expectation overestimated (e.g. a sensor's readings not in one run), beyond the usual growth.</summary>
    private void TrimExcess()
    {
        _room = 0;
        if (_sensors.Length - _sensorCount > Math.Max(4, _sensorCount / 8))
        {
            Array.Resize(ref _sensors, _sensorCount);
        }

        if (_quantities.Length - _quantityCount > Math.Max(4, _quantityCount / 8))
        {
            Array.Resize(ref _quantities, _quantityCount);
            Array.Resize(ref _slots, _quantityCount * _points);
        }
    }

    /// <summary>The runs of readings of one sensor and quantity: at least as many as the distinct pairs among them.</summary>
    private static int Runs(ReadOnlySpan<Sensing.SequencedReading> readings)
    {
        int runs = 0;
        string? sensor = null, quantity = null;
        foreach (var (_, r) in readings)
        {
            if (!string.Equals(sensor, r.Sensor, StringComparison.Ordinal) || !string.Equals(quantity, r.Quantity, StringComparison.Ordinal))
            {
                runs++;
                sensor = r.Sensor;
                quantity = r.Quantity;
            }
        }

        return runs;
    }

    /// <summary>A reference store only when the value changed: each store into this long-lived object marks a card the next young collection scans.</summary>
    private static void Set<T>(ref T field, T value)
        where T : class?
    {
        if (!EqualityComparer<T>.Default.Equals(field, value))
        {
            field = value;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>What the registry keeps per sensor (88 bytes).</summary>
    private struct SensorEntry(string id)
    {
        public string Id = id;
        public string? Driver;
        public string? HealthStatus;
        public FaultInfo? LastError;
        public long IntervalMs;

        // UTC ticks; long.MinValue: never.
        public long LastSeenTicks = long.MinValue;
        public long Sampled;
        public long Filtered;
        public long Faults;
        public long Overruns;

        // The first of its quantities (index into _quantities, -1: none); the rest follow QuantityEntry.Next.
        public int FirstQuantity = -1;

        public readonly DateTimeOffset? LastSeen => LastSeenTicks == long.MinValue ? null : new DateTimeOffset(LastSeenTicks, TimeSpan.Zero);

        public void Seen(long utcTicks)
        {
            if (utcTicks > LastSeenTicks)
            {
                LastSeenTicks = utcTicks;
            }
        }

        public void Seen(DateTimeOffset at) => Seen(at.UtcTicks);
    }

    /// <summary>The last value and sparkline state of one quantity of a sensor (72 bytes; its slots are in _slots).</summary>
    private struct QuantityEntry(string quantity)
    {
        public string Quantity = quantity;
        public string Unit = "";
        public double Value;
        public long TimestampTicks;
        public Sparkline Spark = Sparkline.Empty;

        // The sensor's next quantity (-1: the last).
        public int Next = -1;
        public Sensing.Quality Quality;
    }
}

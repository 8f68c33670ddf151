using CityBrain.Sensing;
using CityBrain.Sensing.Contract;

namespace CityBrain.Testing.Hub;

/// <summary>Builds valid status, health and telemetry messages of one node for hub tests.</summary>
public sealed class NodeMessages(string district, string grid, string node, string street = "main-street")
{
    private long _seq;

    public string Node { get; } = node;

    public string Boot { get; set; } = "boot-1";

    public NodeTopic Topic(string kind) => new(district, grid, Node, kind);

    public StatusMessage Online(DateTimeOffset at, params (string Sensor, string Quantity, string Unit, long IntervalMs)[] sensors) => new()
    {
        Node = Node,
        State = StatusMessage.Online,
        Timestamp = at.ToUnixTimeMilliseconds(),
        Boot = Boot,
        Software = "test",
        Location = new LocationInfo("testcity", district, street, grid),
        Sensors = sensors.GroupBy(s => s.Sensor)
            .Select(g => new SensorInfo(g.Key, "simulated", g.First().IntervalMs, g.Select(s => new QuantityEntry(s.Quantity, s.Unit)).ToList()))
            .ToList(),
    };

    /// <summary>The Will (reason <c>connection_lost</c>) or a clean shutdown.</summary>
    public StatusMessage Offline(DateTimeOffset connectedAt, string reason = "connection_lost") => new()
    {
        Node = Node,
        State = StatusMessage.Offline,
        Timestamp = connectedAt.ToUnixTimeMilliseconds(),
        Reason = reason,
        Boot = Boot,
    };

    public HealthMessage Health(DateTimeOffset at, int intervalS = 60, long bufferReadings = 0, params SensorHealth[] sensors) => new()
    {
        Node = Node,
        Timestamp = at.ToUnixTimeMilliseconds(),
        Boot = Boot,
        UptimeSeconds = 100,
        MemoryBytes = 50_000_000,
        IntervalSeconds = intervalS,
        Buffer = new BufferHealth
        {
            Readings = bufferReadings,
            Bytes = bufferReadings * 64,
            OldestAgeSeconds = bufferReadings > 0 ? 12.5 : 0,
            NextSeq = _seq,
            Dropped = new Dictionary<string, long> { ["overflow"] = 3, ["expired"] = 0, ["corrupt"] = 0 },
        },
        Publish = new PublishHealth { Connected = true, Reconnects = 1, Messages = 10, Readings = 100, LatencyP50Ms = 40, LatencyP99Ms = 250 },
        Sensors = sensors,
    };

    /// <summary>A telemetry batch of readings taken at <paramref name="at"/>, numbered from the node's next sequence number.</summary>
    public TelemetryMessage Telemetry(DateTimeOffset at, params (string Sensor, string Quantity, double Value, string Unit)[] readings) =>
        new(Node, at, readings.Select(r => new SequencedReading(_seq++, new Reading(r.Sensor, r.Quantity, r.Value, r.Unit, at, Quality.Good))).ToList());

    /// <summary>Skips sequence numbers (as if readings were lost).</summary>
    public void Skip(long count) => _seq += count;
}

using CityBrain.Hub.Health;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Health;

public sealed class HealthRegistryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly HealthMetrics _metrics = new();
    private readonly HealthRegistry _registry;
    private readonly NodeMessages _node = new("centre", "c4", "node-1", street: "elm-street");

    public HealthRegistryTests()
    {
        _registry = new HealthRegistry(Options.Create(new HealthRegistryOptions()), _time, _metrics);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    public void Dispose() => _metrics.Dispose();

    private void Online() =>
        _registry.OnStatus(_node.Topic("status"), _node.Online(Now, ("bin-07", "fill_level", "%", 60_000), ("air", "pm2_5", "ug/m3", 10_000), ("air", "pm10", "ug/m3", 10_000)), Now);

    [Fact]
    public void Status_OnlineThenWill_ShowsOfflineWithReasonSinceTheWillArrived()
    {
        Online();
        var online = _registry.GetNode("node-1")!;
        Assert.Equal((NodeStatus.Online, "elm-street", "c4", "boot-1"), (online.Status, online.Street, online.Grid, online.Boot));
        Assert.Equal([("air", 10_000L), ("bin-07", 60_000L)], online.Sensors.Select(s => (s.Id, s.IntervalMs)));

        _time.Advance(TimeSpan.FromMinutes(30));
        _registry.OnStatus(_node.Topic("status"), _node.Offline(Start), Now);

        var offline = _registry.GetNode("node-1")!;
        Assert.Equal((NodeStatus.Offline, NodeStatus.Offline, "connection_lost"), (offline.Status, offline.State, offline.OfflineReason));
        Assert.Equal(Now, offline.StateSince);
        Assert.Equal(Now, offline.LastSeen);
    }

    [Fact]
    public void Status_TimeBeyondYear9999_AppliedWholeWithTheReceiveTime_NotHalfRegistered()
    {
        // The router rejects it (MessageRouterTests); the registry must not be left half updated even so.
        _registry.OnStatus(_node.Topic("status"), _node.Online(Now, ("air", "pm2_5", "ug/m3", 10_000)) with { Timestamp = 253_402_300_800_000 }, Now);

        var node = _registry.GetNode("node-1")!;
        Assert.Equal((NodeStatus.Online, Now), (node.Status, node.StateSince));
        Assert.Equal("air", Assert.Single(node.Sensors).Id);
    }

    [Fact]
    public void Health_ThatCannotBeApplied_OnANewNode_LeavesNoNodeBehind()
    {
        var health = _node.Health(Now);
        health = health with { Buffer = health.Buffer with { Dropped = null! } };

        _registry.OnHealth(_node.Topic("health"), health, Now);

        Assert.Equal(0, _registry.Count);
        Assert.Null(_registry.GetNode("node-1"));
    }

    [Fact]
    public void Health_ThatCannotBeApplied_OnAKnownNode_ChangesNothing()
    {
        Online();
        _registry.OnHealth(_node.Topic("health"), _node.Health(Now, intervalS: 60), Now);
        var before = _registry.GetNode("node-1")!;
        _time.Advance(TimeSpan.FromMinutes(1));
        var health = _node.Health(Now, intervalS: 5);
        health = health with { Buffer = health.Buffer with { Dropped = null! } };

        _registry.OnHealth(_node.Topic("health"), health, Now);

        var after = _registry.GetNode("node-1")!;
        Assert.Equal((before.LastHealth, before.LastSeen, before.HealthIntervalS), (after.LastHealth, after.LastSeen, after.HealthIntervalS));
    }

    [Fact]
    public void Telemetry_KeepsLastValuePerQuantityAndQuality()
    {
        Online();
        _registry.OnTelemetry(_node.Topic("telemetry"), _node.Telemetry(Now, ("air", "pm2_5", 12.5, "ug/m3"), ("air", "pm10", 20, "ug/m3")), Now);
        _time.Advance(TimeSpan.FromSeconds(10));
        _registry.OnTelemetry(_node.Topic("telemetry"), _node.Telemetry(Now, ("air", "pm2_5", 14, "ug/m3")), Now);

        var air = _registry.GetNode("node-1")!.Sensors.Single(s => s.Id == "air");
        Assert.Equal(SensorStatus.Ok, air.Status);
        Assert.Equal(Now, air.LastSeen);
        var pm25 = air.Quantities.Single(q => q.Quantity == "pm2_5");
        Assert.Equal((14.0, "ug/m3", "good", Now), (pm25.Value, pm25.Unit, pm25.Quality, pm25.Timestamp));
        Assert.Equal(20, air.Quantities.Single(q => q.Quantity == "pm10").Value);
    }

    [Fact]
    public void Sensor_SilentPastIntervalTimesFactor_IsStaleAndNodeAmber()
    {
        Online();
        _registry.OnTelemetry(_node.Topic("telemetry"), _node.Telemetry(Now, ("air", "pm2_5", 12.5, "ug/m3"), ("bin-07", "fill_level", 40, "%")), Now);
        _registry.OnHealth(_node.Topic("health"), _node.Health(Now, intervalS: 600), Now);

        // air: 10 s interval → limit max(30 s, 10 s + 30 s slack) = 40 s. bin-07: 60 s → max(180 s, 90 s) = 180 s.
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.All(_registry.GetNode("node-1")!.Sensors, s => Assert.Equal(SensorStatus.Ok, s.Status));

        _time.Advance(TimeSpan.FromSeconds(1));
        var node = _registry.GetNode("node-1")!;
        Assert.Equal(SensorStatus.Stale, node.Sensors.Single(s => s.Id == "air").Status);
        Assert.Equal(SensorStatus.Ok, node.Sensors.Single(s => s.Id == "bin-07").Status);
        Assert.Equal(NodeStatus.Stale, node.Status);

        _time.Advance(TimeSpan.FromSeconds(140));
        Assert.All(_registry.GetNode("node-1")!.Sensors, s => Assert.Equal(SensorStatus.Stale, s.Status));
    }

    [Fact]
    public void Sensor_DeadbandSilenceButHealthReportsRecentRead_IsNotStale()
    {
        Online();
        _time.Advance(TimeSpan.FromMinutes(5));
        _registry.OnHealth(_node.Topic("health"), _node.Health(Now, 60, 0,
            new SensorHealth { Id = "air", Status = SensorHealth.Ok, LastReadingTs = Now.ToUnixTimeMilliseconds() - 2000, Sampled = 30, Filtered = 30 },
            new SensorHealth { Id = "bin-07", Status = SensorHealth.Ok, LastReadingTs = Now.ToUnixTimeMilliseconds() - 1000, Sampled = 5 }), Now);

        var node = _registry.GetNode("node-1")!;
        Assert.All(node.Sensors, s => Assert.Equal(SensorStatus.Ok, s.Status));
        Assert.Equal(NodeStatus.Online, node.Status);
        Assert.Equal(30, node.Sensors.Single(s => s.Id == "air").Filtered);
    }

    [Fact]
    public void Health_FaultAndBuffer_AreReportedAndNodeIsRed()
    {
        Online();
        var fault = new FaultInfo("timeout", "no answer from unit 3 within 500 ms", Now.ToUnixTimeMilliseconds());
        _registry.OnHealth(_node.Topic("health"), _node.Health(Now, 60, 1234,
            new SensorHealth { Id = "bin-07", Status = SensorHealth.Fault, LastError = fault, Faults = 7, Overruns = 1 }), Now);

        var node = _registry.GetNode("node-1")!;
        Assert.Equal(NodeStatus.Fault, node.Status);
        var bin = node.Sensors.Single(s => s.Id == "bin-07");
        Assert.Equal((SensorStatus.Fault, SensorHealth.Fault, fault, 7L, 1L), (bin.Status, bin.HealthStatus, bin.LastError, bin.Faults, bin.Overruns));
        Assert.Equal(1234, node.Buffer!.Readings);
        Assert.Equal(12.5, node.Buffer.OldestAgeS);
        Assert.Equal(3, node.Buffer.Dropped["overflow"]);
        Assert.Equal((true, 40.0), (node.Publish!.Connected, node.Publish.LatencyP50Ms));
        Assert.Equal(60, node.HealthIntervalS);
    }

    [Fact]
    public void Node_NoHealthOrTelemetryForThreeHealthIntervals_IsSilentAndStale()
    {
        Online();
        _registry.OnHealth(_node.Topic("health"), _node.Health(Now, intervalS: 60), Now);
        _time.Advance(TimeSpan.FromSeconds(180));
        Assert.False(_registry.GetNode("node-1")!.Silent);

        _time.Advance(TimeSpan.FromSeconds(1));
        var node = _registry.GetNode("node-1")!;
        Assert.True(node.Silent);
        Assert.Equal(NodeStatus.Stale, node.Status);
    }

    [Fact]
    public void Sparkline_KeepsOneMeanPerMinuteForTheLastHourOnly()
    {
        Online();
        for (int i = 0; i < 240; i++)
        {
            // Two readings a minute for two hours: value = minute index.
            _registry.OnTelemetry(_node.Topic("telemetry"), _node.Telemetry(Now, ("bin-07", "fill_level", i / 2, "%")), Now);
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        var q = _registry.GetNode("node-1")!.Sensors.Single(s => s.Id == "bin-07").Quantities.Single();
        Assert.InRange(q.Spark.Count, 59, 60);
        Assert.Equal(119, q.Spark[^1].V);
        Assert.True(q.Spark.Zip(q.Spark.Skip(1)).All(p => p.First.T < p.Second.T));
        Assert.True(q.Spark[0].T >= (Now - TimeSpan.FromHours(1)).ToUnixTimeMilliseconds());
        Assert.Empty(_registry.GetNode("node-1", sparklines: false)!.Sensors.Single(s => s.Id == "bin-07").Quantities.Single().Spark);
    }

    [Fact]
    public void ManySensors_InChangingOrder_EachQuantityKeepsItsOwnValueAndSparkline()
    {
        // 40 sensors with two quantities each: the node's arrays grow and its sensor index is rebuilt several times
        // while sparklines are being filled; the order of readings changes every minute (the lookup hint misses).
        var random = new Random(7);
        var sensors = Enumerable.Range(0, 40).Select(i => $"s{i}").ToArray();
        for (int minute = 0; minute < 5; minute++)
        {
            var order = minute == 0 ? sensors : [.. sensors.OrderBy(_ => random.Next())];
            var readings = order.SelectMany(id => new (string, string, double, string)[]
            {
                (id, "temperature", Value(id, minute, 0), "C"),
                (id, "humidity", Value(id, minute, 1), "%"),
            }).ToArray();
            _registry.OnTelemetry(_node.Topic("telemetry"), _node.Telemetry(Now, readings), Now);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var view = _registry.GetNode("node-1")!;
        Assert.Equal(sensors.Order(StringComparer.Ordinal), view.Sensors.Select(s => s.Id));
        foreach (var sensor in view.Sensors)
        {
            Assert.Equal(["temperature", "humidity"], sensor.Quantities.Select(q => q.Quantity));
            for (int k = 0; k < 2; k++)
            {
                var q = sensor.Quantities[k];
                Assert.Equal(Value(sensor.Id, 4, k), q.Value);
                Assert.Equal([.. Enumerable.Range(0, 5).Select(m => Value(sensor.Id, m, k))], q.Spark.Select(p => p.V), (a, b) => Math.Abs(a - b) < 1e-3);
            }
        }

        static double Value(string id, int minute, int quantity) => (int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) * 10) + minute + (quantity * 0.5);
    }

    [Fact]
    public void SensorCap_SensorsBeyondMaxSensorsPerNode_AreIgnored()
    {
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions { MaxSensorsPerNode = 3 }), _time, _metrics);
        registry.OnTelemetry(_node.Topic("telemetry"), _node.Telemetry(Now, ("a", "t", 1, "C"), ("b", "t", 2, "C"), ("c", "t", 3, "C"), ("d", "t", 4, "C"), ("a", "t", 5, "C")), Now);

        var view = registry.GetNode("node-1")!;
        Assert.Equal([("a", 5.0), ("b", 2.0), ("c", 3.0)], view.Sensors.Select(s => (s.Id, s.Quantities.Single().Value)));
        Assert.Equal((1L, RegistryRefusals.SensorLimit), (view.RefusedReadings, view.RefusedReason));
    }

    [Fact]
    public void Sequence_GapsLateFillsAndDuplicates_AreCounted()
    {
        var topic = _node.Topic("telemetry");
        TelemetryMessage Batch(params long[] seqs) => new("node-1", Now,
            seqs.Select(s => new SequencedReading(s, new Reading("bin-07", "fill_level", 1, "%", Now))).ToList());

        _registry.OnTelemetry(topic, Batch(0, 1, 2), Now);
        _registry.OnTelemetry(topic, Batch(10, 11), Now); // 3..9 missing
        var afterGap = _registry.GetNode("node-1")!.Sequence;
        Assert.Equal((11L, 7L, 1L, Now), (afterGap.Highest, afterGap.Missing, afterGap.Gaps, afterGap.LastGapAt!.Value));

        _registry.OnTelemetry(topic, Batch(3, 4, 5), Now); // live-first backlog fills part of it
        _registry.OnTelemetry(topic, Batch(10, 4), Now); // duplicates
        var seq = _registry.GetNode("node-1")!.Sequence;
        Assert.Equal((4L, 1L, 2L), (seq.Missing, seq.Gaps, seq.Duplicates));
    }

    [Fact]
    public void Sequence_DeadLetteredReadings_OpenNoGap_ButAnUnreadableSeqStillDoes()
    {
        var topic = _node.Topic("telemetry");
        TelemetryMessage Batch(long[] good, params RejectedReading[] rejected) => new("node-1", Now,
            good.Select(s => new SequencedReading(s, new Reading("bin-07", "fill_level", 1, "%", Now))).ToList())
        { Rejected = rejected };
        RejectedReading Bad(int index, long? seq) => new(index, seq, "bin-07", new ContractViolation(ContractViolation.BadTimestamp, "$.ts"), "{}");

        _registry.OnTelemetry(topic, Batch([0, 2], Bad(1, 1)), Now); // 1 between 0 and 2
        _registry.OnTelemetry(topic, Batch([], Bad(0, 3), Bad(1, 4)), Now); // every reading of the message rejected
        _registry.OnTelemetry(topic, Batch([5], Bad(1, 6)), Now); // the last one rejected
        var clean = _registry.GetNode("node-1")!.Sequence;
        Assert.Equal((6L, 0L, 0L), (clean.Highest, clean.Missing, clean.Gaps));

        _registry.OnTelemetry(topic, Batch([8], Bad(0, null)), Now); // seq 7 unreadable: a gap
        var gap = _registry.GetNode("node-1")!.Sequence;
        Assert.Equal((8L, 1L, 1L), (gap.Highest, gap.Missing, gap.Gaps));
    }

    [Fact]
    public void SequenceSnapshots_ForIngestStats_CountReceivedFillsDuplicatesAndTooOld_AndFeedTheCounters()
    {
        var topic = _node.Topic("telemetry");
        TelemetryMessage Batch(params long[] seqs) => new("node-1", Now,
            seqs.Select(s => new SequencedReading(s, new Reading("bin-07", "fill_level", 1, "%", Now))).ToList());
        long gaps = 0, duplicates = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == _metrics.Meter && instrument.Name.StartsWith("citybrain.hub.sequence.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name.EndsWith("gaps", StringComparison.Ordinal))
            {
                gaps += value;
            }
            else
            {
                duplicates += value;
            }
        });
        listener.Start();

        _registry.OnTelemetry(topic, Batch(1, 5), Now); // 2, 3, 4 missing
        _registry.OnTelemetry(topic, Batch(3, 5, 6), Now); // 3 fills a gap, 5 is a redelivery
        const long Far = 100_000; // far beyond the tracker's window of recent numbers
        _registry.OnTelemetry(topic, Batch(Far), Now);
        _registry.OnTelemetry(topic, Batch(7), Now); // beyond the window: cannot tell, counted as a duplicate
        _registry.OnTelemetry(new NodeMessages("centre", "c4", "node-0").Topic("telemetry"), new TelemetryMessage("node-0", Now, [new SequencedReading(0, new Reading("s", "q", 1, "%", Now))]), Now);

        var snapshots = _registry.SequenceSnapshots();
        Assert.Equal(["node-0", "node-1"], snapshots.Select(x => x.Node).ToArray());
        var s = snapshots[1];
        Assert.Equal((Far, 7L, 1L, 2L), (s.HighestSeq, s.Received, s.LateArrivals, s.Duplicates));
        Assert.Equal(3 + (Far - 7), gaps);
        Assert.Equal(2, duplicates);
    }

    [Fact]
    public void NodeCap_IgnoresNodesBeyondMaxNodes()
    {
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions { MaxNodes = 2, NodeCountWarning = 1 }), _time, _metrics);
        foreach (string id in new[] { "a", "b", "c" })
        {
            var n = new NodeMessages("centre", "c4", id);
            registry.OnStatus(n.Topic("status"), n.Online(Now), Now);
        }

        Assert.Equal(["a", "b"], registry.GetNodes().Select(n => n.Node));
    }

    [Fact]
    public void Options_InvalidValues_NameFieldValueAndFix()
    {
        var result = new HealthRegistryOptionsValidator().Validate(null, new HealthRegistryOptions { SensorStaleFactor = 0.5, SparklinePoints = 1 });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Hub:Health:SensorStaleFactor is 0.5; use a number between 1 and 100", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Hub:Health:SparklinePoints is 1;", StringComparison.Ordinal));
    }
}

using CityBrain.Hub.Alerts;
using CityBrain.Testing.Hub;
using static CityBrain.Hub.Tests.Alerts.ThresholdRuleTests;

namespace CityBrain.Hub.Tests.Alerts;

/// <summary>
/// The alert engine keeps a condition only while it matters (pending or active): a healthy city keeps none. (Hysteresis
/// with the condition count: <see cref="ThresholdRuleTests"/>.)
/// </summary>
public sealed class ConditionLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static void Online(AlertHarness h, NodeMessages node, params (string Sensor, string Quantity, string Unit, long IntervalMs)[] sensors)
    {
        h.Observer.OnStatus(node.Topic("status"), node.Online(h.Now, sensors), h.Now);
        h.Observer.OnHealth(node.Topic("health"), node.Health(h.Now, intervalS: 30), h.Now);
    }

    [Fact]
    public void HealthyCity_ThresholdStaleOfflineAndGapRules_KeepNoConditions()
    {
        using var h = new AlertHarness(
            Start,
            rules:
            [
                BinFull(),
                new AlertRuleOptions { Id = "stale", Kind = AlertKinds.Stale },
                new AlertRuleOptions { Id = "offline", Kind = AlertKinds.Offline },
                new AlertRuleOptions { Id = "gap", Kind = AlertKinds.Gap, After = TimeSpan.FromMinutes(5) },
            ]);
        var nodes = Enumerable.Range(0, 20).Select(i => new NodeMessages("centre", "c4", $"node-{i}")).ToArray();
        string[] sensors = [.. Enumerable.Range(0, 10).Select(i => $"bin-{i}")];
        foreach (var node in nodes)
        {
            Online(h, node, [.. sensors.Select(s => (s, "fill_level", "%", 60_000L))]);
        }

        // Ten minutes of healthy readings (every 30 s, well below the level) and health, with a tick every 5 s.
        for (int step = 0; step < 120; step++)
        {
            if (step % 6 == 0)
            {
                foreach (var node in nodes)
                {
                    h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, [.. sensors.Select(s => (s, "fill_level", 40.0 + (step % 30), "%"))]), h.Now);
                    h.Observer.OnHealth(node.Topic("health"), node.Health(h.Now, intervalS: 30), h.Now);
                }
            }

            h.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(0, h.Engine.ConditionCount);
        Assert.Empty(h.Engine.GetActive());
        Assert.Empty(h.Published());
    }

    [Fact]
    public void Threshold_RaisingValueCreatesOneCondition_RemovedWhenThePendingValueFallsBack()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");

        Fill(h, node, 50);
        Assert.Equal(0, h.Engine.ConditionCount);
        Fill(h, node, 95);
        Fill(h, node, 95, "bin-08");
        Assert.Equal(2, h.Engine.ConditionCount);

        h.Advance(TimeSpan.FromMinutes(3));
        Fill(h, node, 85);
        Assert.Equal(1, h.Engine.ConditionCount);

        // bin-07's pending start is gone: it restarts at its next raising value, bin-08 raises on time.
        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("bin-08", Assert.Single(h.Engine.GetActive()).Sensor);
        h.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(2, h.Engine.GetActive().Count);
        Assert.Equal(2, h.Engine.ConditionCount);
    }

    [Fact]
    public void Threshold_AcknowledgedAlertKeepsItsCondition_UntilItClears()
    {
        using var h = new AlertHarness(Start, rules: BinFull(TimeSpan.Zero));
        var node = new NodeMessages("centre", "c4", "node-1");
        Fill(h, node, 95);
        string id = Assert.Single(h.Engine.GetActive()).Id;
        Assert.Equal(AckResult.Acknowledged, h.Engine.Acknowledge(id, "alice"));

        Fill(h, node, 85);
        Assert.Equal((id, AlertStates.Acknowledged), Assert.Single(h.Engine.GetActive()) is var a ? (a.Id, a.State) : default);
        Assert.Equal(1, h.Engine.ConditionCount);

        Fill(h, node, 70);
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal(0, h.Engine.ConditionCount);
        Assert.Equal(AckResult.NotActive, h.Engine.Acknowledge(id, "bob"));
    }

    [Fact]
    public void Threshold_RaisingValueOutsideTheWindow_CreatesNothing_AndTheWindowEndRemovesTheCondition()
    {
        // 10:00 UTC = 12:00 in Berlin: outside the night window.
        using var h = new AlertHarness(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero), "Europe/Berlin", new AlertRuleOptions
        {
            Id = "noise-night", Kind = AlertKinds.Threshold, Quantity = "noise_laeq", Above = 55, Clear = 52,
            Window = "22:00-06:00",
        });
        var node = new NodeMessages("centre", "c4", "node-1");
        void Noise(double v) => h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("mic", "noise_laeq", v, "dB(A)")), h.Now);

        Noise(70);
        Assert.Equal(0, h.Engine.ConditionCount);

        h.Time.SetUtcNow(new DateTimeOffset(2026, 6, 1, 21, 0, 0, TimeSpan.Zero)); // 23:00 local
        Noise(70);
        Assert.Single(h.Engine.GetActive());
        Assert.Equal(1, h.Engine.ConditionCount);

        h.Time.SetUtcNow(new DateTimeOffset(2026, 6, 2, 4, 0, 0, TimeSpan.Zero)); // 06:00 local: the window ends
        h.Engine.Evaluate();
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal(0, h.Engine.ConditionCount);
    }

    [Fact]
    public void Threshold_RestoredAlert_KeepsItsConditionThroughHysteresis_AndDropsItWhenCleared()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");
        var restored = new Alert
        {
            Id = "restored-1", Rule = "bin-full", Kind = AlertKinds.Threshold, Severity = AlertSeverities.Warning,
            State = AlertStates.Raised, Node = "node-1", Sensor = "bin-07", Quantity = "fill_level", District = "centre",
            Grid = "c4", Value = 95, Unit = "%", Threshold = 90, Message = "fill_level 95 % above 90", RaisedAt = Start,
        };
        Assert.Equal(1, h.Engine.Restore([restored]));
        Assert.Equal(1, h.Engine.ConditionCount);

        Fill(h, node, 85);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("restored-1", Assert.Single(h.Engine.GetActive()).Id);

        Fill(h, node, 79);
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal(0, h.Engine.ConditionCount);
        Assert.Equal(("restored-1", AlertStates.Cleared), Assert.Single(h.Published()) is var c ? (c.Id, c.State) : default);
    }

    [Fact]
    public void Threshold_MaxConditions_CapsTheConditions_AndARemovedOneFreesItsPlace()
    {
        using var h = new AlertHarness(Start, o => o.MaxConditions = 2, BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");
        Fill(h, node, 95, "bin-1");
        Fill(h, node, 95, "bin-2");
        Fill(h, node, 95, "bin-3");
        Assert.Equal(2, h.Engine.ConditionCount);

        Fill(h, node, 50, "bin-1");
        Fill(h, node, 95, "bin-3");
        h.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(["bin-2", "bin-3"], h.Engine.GetActive().Select(a => a.Sensor).Order());
        Assert.Equal(2, h.Engine.ConditionCount);
    }

    [Fact]
    public void Stale_ConditionIsRemovedWhenTheSensorReportsAgain_PendingOrActive()
    {
        using var h = new AlertHarness(Start, rules: new AlertRuleOptions { Id = "sensor-stale", Kind = AlertKinds.Stale, For = TimeSpan.FromSeconds(20) });
        var node = new NodeMessages("centre", "c4", "node-1");
        Online(h, node, ("air", "pm2_5", "ug/m3", 10_000));
        void Air() => h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("air", "pm2_5", 12.0, "ug/m3")), h.Now);

        // air reads every 10 s: stale after 40 s, raised 20 s later.
        Air();
        h.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(1, h.Engine.ConditionCount);
        Assert.Empty(h.Engine.GetActive());

        Air();
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, h.Engine.ConditionCount);

        h.Advance(TimeSpan.FromSeconds(45));
        h.Advance(TimeSpan.FromSeconds(20));
        Assert.Single(h.Engine.GetActive());
        Assert.Equal(1, h.Engine.ConditionCount);

        Air();
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal(0, h.Engine.ConditionCount);
    }

    [Fact]
    public void Offline_ConditionIsRemovedWhenTheNodeIsBack_PendingOrActive()
    {
        using var h = new AlertHarness(Start, rules: new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline, After = TimeSpan.FromMinutes(2) });
        var node = new NodeMessages("centre", "c4", "node-1");
        Online(h, node);

        h.Observer.OnStatus(node.Topic("status"), node.Offline(Start), h.Now);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, h.Engine.ConditionCount);
        node.Boot = "boot-2";
        Online(h, node);
        Assert.Equal(0, h.Engine.ConditionCount);

        h.Observer.OnStatus(node.Topic("status"), node.Offline(h.Now), h.Now);
        h.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(h.Engine.GetActive());
        node.Boot = "boot-3";
        Online(h, node);
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal(0, h.Engine.ConditionCount);
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Decommissioned_NodeDropsItsConditions()
    {
        using var h = new AlertHarness(Start, rules: [BinFull(), new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline }]);
        var node = new NodeMessages("centre", "c4", "node-1");
        Online(h, node);
        Fill(h, node, 95);
        h.Observer.OnStatus(node.Topic("status"), node.Offline(Start), h.Now);
        Assert.Equal(2, h.Engine.ConditionCount);

        h.Observer.OnStatus(node.Topic("status"), null, h.Now);

        Assert.Equal(0, h.Engine.ConditionCount);
        Assert.Empty(h.Engine.GetActive());
    }

    /// <summary>
    /// Four threads feed one sensor values that alternately raise and clear while a fifth ticks the clock a second at a
    /// time, so conditions are created, raised, cleared and removed under each other's feet. One condition per sensor
    /// means the alerts strictly alternate raised/cleared with the same id; every thread ends on a raising value, so
    /// whichever came last, a pending or active condition must be left (a value stepped into a removed state would be
    /// lost and leave none), and never two alerts active at once (one raised on a removed state would stay forever).
    /// </summary>
    /// <param name="minimumMs">0: readings raise and clear at once; 1000: pending conditions are raised by the tick.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void Threshold_ConcurrentReadingsOfOneSensor_OneConditionAndTheLastRaiseKept(int minimumMs)
    {
        const int Threads = 4, Readings = 20_000;
        using var h = new AlertHarness(Start, o => o.PublishQueueCapacity = 1_000_000, BinFull(TimeSpan.FromMilliseconds(minimumMs)));
        var published = new List<Alert>();
        int mostActive = 0;
        using var done = new CountdownEvent(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                var node = new NodeMessages("centre", "c4", "node-1"); // one per thread: its sequence is not thread-safe
                for (int i = 0; i < Readings; i++)
                {
                    double value = i == Readings - 1 || (i + t) % 2 == 0 ? 95 : 70;
                    var now = h.Now;
                    h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(now, ("bin-07", "fill_level", value, "%")), now);
                }
            }
            finally
            {
                done.Signal();
            }
        })).ToList();
        var ticker = new Thread(() =>
        {
            while (!done.IsSet)
            {
                h.Advance(TimeSpan.FromSeconds(1));
                published.AddRange(h.Published());
                mostActive = Math.Max(mostActive, h.Engine.GetActive().Count);
            }
        });

        workers.ForEach(w => w.Start());
        ticker.Start();
        workers.ForEach(w => w.Join());
        ticker.Join();
        published.AddRange(h.Published());

        Assert.Equal(1, h.Engine.ConditionCount);
        Assert.True(mostActive <= 1, $"{mostActive} alerts were active at once for one sensor");
        h.Advance(TimeSpan.FromSeconds(1));
        var last = Assert.Single(h.Engine.GetActive());
        published.AddRange(h.Published());
        Assert.Equal(95, last.Value);
        Assert.Equal((last.Id, AlertStates.Raised), (published[^1].Id, published[^1].State));
        for (int i = 0; i < published.Count; i++)
        {
            Assert.Equal(i % 2 == 0 ? AlertStates.Raised : AlertStates.Cleared, published[i].State);
            if (i % 2 == 1)
            {
                Assert.Equal(published[i - 1].Id, published[i].Id);
            }
        }

        Assert.True(published.Count > 2, $"the run raised and cleared only {published.Count} times: no contention tested");
        Fill(h, new NodeMessages("centre", "c4", "node-1"), 70);
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal(0, h.Engine.ConditionCount);
    }
}

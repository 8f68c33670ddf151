using CityBrain.Hub.Alerts;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;

namespace CityBrain.Hub.Tests.Alerts;

public sealed class NodeRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static (AlertHarness H, NodeMessages Node) Online(params AlertRuleOptions[] rules)
    {
        var h = new AlertHarness(Start, rules: rules);
        var node = new NodeMessages("centre", "c4", "node-1");
        h.Observer.OnStatus(node.Topic("status"), node.Online(h.Now, ("bin-07", "fill_level", "%", 60_000), ("air", "pm2_5", "ug/m3", 10_000)), h.Now);
        h.Observer.OnHealth(node.Topic("health"), node.Health(h.Now, intervalS: 30), h.Now);
        return (h, node);
    }

    private static void Readings(AlertHarness h, NodeMessages node, params string[] sensors)
    {
        foreach (string s in sensors)
        {
            var reading = s == "air" ? ("air", "pm2_5", 12.0, "ug/m3") : (s, "fill_level", 40.0, "%");
            h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, reading), h.Now);
        }
    }

    [Fact]
    public void Stale_SensorSilentPastThreeIntervals_RaisesAndClearsWhenItReportsAgain()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "sensor-stale", Kind = AlertKinds.Stale });
        using var _ = h;
        Readings(h, node, "bin-07", "air");

        // air reads every 10 s: stale after max(3 × 10 s, 10 s + 30 s slack) = 40 s. The bin (60 s) stays fresh.
        for (int i = 0; i < 7; i++)
        {
            h.Advance(TimeSpan.FromSeconds(5));
            Readings(h, node, "bin-07");
        }

        Assert.Empty(h.Engine.GetActive());
        h.Advance(TimeSpan.FromSeconds(6));
        Readings(h, node, "bin-07");
        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal(("sensor-stale", "air"), (alert.Rule, alert.Sensor));
        Assert.Contains("expected every 10 s", alert.Message, StringComparison.Ordinal);

        Readings(h, node, "air");
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Stale_NodeOffline_DoesNotFloodWithStaleSensors()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "sensor-stale", Kind = AlertKinds.Stale });
        using var _ = h;
        Readings(h, node, "bin-07", "air");
        h.Observer.OnStatus(node.Topic("status"), node.Offline(Start), h.Now);

        h.Advance(TimeSpan.FromMinutes(10));

        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void Offline_Will_RaisesAfterTheConfiguredTimeAndClearsAtOnceWhenBackOnline()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline, Severity = AlertSeverities.Critical, After = TimeSpan.FromMinutes(2) });
        using var _ = h;
        h.Advance(TimeSpan.FromMinutes(1));
        h.Observer.OnStatus(node.Topic("status"), node.Offline(Start), h.Now);

        h.Advance(TimeSpan.FromSeconds(119));
        Assert.Empty(h.Engine.GetActive());
        h.Advance(TimeSpan.FromSeconds(1));
        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal(("node-offline", AlertSeverities.Critical, (string?)null), (alert.Rule, alert.Severity, alert.Sensor));
        Assert.Contains("offline (connection_lost)", alert.Message, StringComparison.Ordinal);
        Assert.Equal("main-street", alert.Street);

        node.Boot = "boot-2";
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Observer.OnStatus(node.Topic("status"), node.Online(h.Now, ("bin-07", "fill_level", "%", 60_000)), h.Now);
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Offline_NodeSilentWithoutWill_RaisesOnceItIsStale()
    {
        var (h, _) = Online(new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline });
        using var __ = h;

        // Health every 30 s: silent after max(3 × 30 s, 30 s + 30 s) = 90 s.
        h.Advance(TimeSpan.FromSeconds(90));
        Assert.Empty(h.Engine.GetActive());
        h.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains("silent", Assert.Single(h.Engine.GetActive()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gap_SequenceGap_RaisesAndClearsAfterHold()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "data-gap", Kind = AlertKinds.Gap, Hold = TimeSpan.FromMinutes(10) });
        using var _ = h;
        Readings(h, node, "bin-07");
        node.Skip(25);
        Readings(h, node, "bin-07");
        h.Advance(TimeSpan.FromSeconds(5));

        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal(25, alert.Value);
        Assert.Contains("25 readings missing", alert.Message, StringComparison.Ordinal);

        for (int i = 0; i < 10; i++)
        {
            Readings(h, node, "bin-07");
            h.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void Gap_NoTelemetryForAfter_RaisesAndClearsWhenTelemetryResumes()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "no-data", Kind = AlertKinds.Gap, After = TimeSpan.FromMinutes(5) });
        using var _ = h;
        Readings(h, node, "bin-07");
        for (int i = 0; i < 5; i++)
        {
            h.Advance(TimeSpan.FromMinutes(1));
            h.Observer.OnHealth(node.Topic("health"), node.Health(h.Now, intervalS: 30), h.Now);
        }

        Assert.Empty(h.Engine.GetActive());
        h.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains("no telemetry", Assert.Single(h.Engine.GetActive()).Message, StringComparison.Ordinal);

        Readings(h, node, "bin-07");
        h.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void Acknowledge_ActiveAlert_IsAcknowledgedOnceAndPublished()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline });
        using var _ = h;
        h.Observer.OnStatus(node.Topic("status"), node.Offline(Start, "shutdown"), h.Now);
        string id = Assert.Single(h.Engine.GetActive()).Id;
        h.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(AckResult.Acknowledged, h.Engine.Acknowledge(id, "alice"));
        Assert.Equal(AckResult.AlreadyAcknowledged, h.Engine.Acknowledge(id, "bob"));
        Assert.Equal(AckResult.NotFound, h.Engine.Acknowledge("nope", "bob"));

        var acked = Assert.Single(h.Engine.GetActive());
        Assert.Equal((AlertStates.Acknowledged, "alice", (DateTimeOffset?)h.Now), (acked.State, acked.AckBy, acked.AckAt));
        h.Observer.OnStatus(node.Topic("status"), node.Online(h.Now), h.Now);
        Assert.Equal(AckResult.NotActive, h.Engine.Acknowledge(id, "bob"));
        var cleared = Assert.Single(h.Engine.GetHistory());
        Assert.Equal(("alice", AlertStates.Cleared), (cleared.AckBy, cleared.State));
        Assert.Equal([AlertStates.Raised, AlertStates.Acknowledged, AlertStates.Cleared], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Decommissioned_RetainedStatusCleared_ForgetsTheNodeAndClearsItsAlerts()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline });
        using var _ = h;
        h.Observer.OnStatus(node.Topic("status"), node.Offline(Start), h.Now);
        Assert.Single(h.Engine.GetActive());

        h.Observer.OnStatus(node.Topic("status"), null, h.Now);

        Assert.Null(h.Registry.GetNode(node.Node));
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared], h.Published().Select(a => a.State));
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void History_IsBoundedByHistoryLimit()
    {
        var (h, node) = Online(new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline });
        using var _ = h;
        for (int i = 0; i < 600; i++)
        {
            h.Observer.OnStatus(node.Topic("status"), node.Offline(Start), h.Now);
            h.Observer.OnStatus(node.Topic("status"), new StatusMessage { Node = node.Node, State = StatusMessage.Online, Boot = "b" + i }, h.Now);
        }

        Assert.Equal(500, h.Engine.GetHistory().Count);
    }
}

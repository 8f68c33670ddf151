using CityBrain.Hub.Alerts;
using CityBrain.Hub.Sinks;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;

namespace CityBrain.Hub.Tests.Alerts;

/// <summary>The rules the review found missing: a node whose buffer drops (or is about to), and a hub whose database is down.</summary>
public sealed class BufferAndDatabaseRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Buffer_DroppedCounterGrows_RaisesThenClearsAfterHold()
    {
        using var h = new AlertHarness(Start, rules: new AlertRuleOptions { Id = "buffer-dropping", Kind = AlertKinds.Buffer, Hold = TimeSpan.FromMinutes(5) });
        var node = Online(h);
        Health(h, node, dropped: 3); // the first look is the baseline: counters since the node's start
        h.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(h.Engine.GetActive());

        Health(h, node, dropped: 40);
        h.Advance(TimeSpan.FromSeconds(5));
        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal(("buffer-dropping", "node-1", 40.0), (alert.Rule, alert.Node, alert.Value));
        Assert.Contains("dropped readings", alert.Message, StringComparison.Ordinal);

        h.Advance(TimeSpan.FromMinutes(5));
        Health(h, node, dropped: 40);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void Buffer_DegradedStorage_HeldTelemetry_OrAnOldBacklog_EachHold()
    {
        using var h = new AlertHarness(Start, rules: new AlertRuleOptions { Id = "buffer-risk", Kind = AlertKinds.Buffer, After = TimeSpan.FromHours(24) });
        var node = Online(h);
        Health(h, node, dropped: 0, state: "degraded");
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("degraded", Assert.Single(h.Engine.GetActive()).Message, StringComparison.Ordinal);

        Health(h, node, dropped: 0);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Engine.GetActive());

        Health(h, node, dropped: 0, held: true);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("no subscriber", Assert.Single(h.Engine.GetActive()).Message, StringComparison.Ordinal);

        Health(h, node, dropped: 0);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Engine.GetActive());

        Health(h, node, dropped: 0, oldestAgeS: TimeSpan.FromHours(25).TotalSeconds);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("backlog", Assert.Single(h.Engine.GetActive()).Message, StringComparison.Ordinal);
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared, AlertStates.Raised, AlertStates.Cleared, AlertStates.Raised], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Database_SinkFailingLongerThanAfter_RaisesOnTheHub_ClearsWhenItAnswers()
    {
        using var h = new AlertHarness(Start, rules: new AlertRuleOptions { Id = "database-down", Kind = AlertKinds.Database, Severity = AlertSeverities.Critical, After = TimeSpan.FromSeconds(30) });
        h.Sinks.Failed("influx-v1 http://127.0.0.1:8086", "connection refused");
        h.Advance(TimeSpan.FromSeconds(20));
        Assert.Empty(h.Engine.GetActive());

        h.Sinks.Failed("influx-v1 http://127.0.0.1:8086", "connection refused");
        h.Advance(TimeSpan.FromSeconds(15));
        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal((SinkHealth.Location, SinkHealth.Location, "hub-a", "database-down"), (alert.District, alert.Grid, alert.Node, alert.Rule));
        Assert.Contains("connection refused", alert.Message, StringComparison.Ordinal);
        Assert.Equal("citybrain/v1/_alerts/hub/hub/hub-a/database-down", AlertTopics.For(alert));

        h.Sinks.Succeeded("influx-v1 http://127.0.0.1:8086");
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Engine.GetActive());
    }

    private static NodeMessages Online(AlertHarness h)
    {
        var node = new NodeMessages("centre", "c4", "node-1");
        h.Observer.OnStatus(node.Topic("status"), node.Online(h.Now), h.Now);
        return node;
    }

    private static void Health(AlertHarness h, NodeMessages node, long dropped, string state = "ok", bool held = false, double oldestAgeS = 0)
    {
        var health = node.Health(h.Now, intervalS: 30, bufferReadings: 10);
        health = health with
        {
            Buffer = health.Buffer with { Dropped = new Dictionary<string, long> { ["overflow"] = dropped }, State = state, OldestAgeSeconds = oldestAgeS },
            Publish = health.Publish with { Held = held },
        };
        h.Observer.OnHealth(node.Topic("health"), health, h.Now);
    }
}

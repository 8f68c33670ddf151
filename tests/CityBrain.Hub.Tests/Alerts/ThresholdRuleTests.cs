using CityBrain.Hub.Alerts;
using CityBrain.Testing.Hub;

namespace CityBrain.Hub.Tests.Alerts;

public sealed class ThresholdRuleTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    internal static AlertRuleOptions BinFull(TimeSpan? minimum = null) => new()
    {
        Id = "bin-full",
        Kind = AlertKinds.Threshold,
        Severity = AlertSeverities.Warning,
        Quantity = "fill_level",
        Above = 90,
        Clear = 80,
        For = minimum ?? TimeSpan.FromMinutes(5),
    };

    internal static void Fill(AlertHarness h, NodeMessages node, double value, string sensor = "bin-07") =>
        h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, (sensor, "fill_level", value, "%")), h.Now);

    [Fact]
    public void Threshold_AboveForLessThanMinimumDuration_DoesNotRaise()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");

        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(4));
        Fill(h, node, 96);
        h.Advance(TimeSpan.FromSeconds(59));

        Assert.Empty(h.Engine.GetActive());
        Assert.Empty(h.Published());
    }

    [Fact]
    public void Threshold_AboveForMinimumDuration_RaisesOnTickWithoutNewReading()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1", street: "elm-street");

        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(5));

        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal("bin-full", alert.Rule);
        Assert.Equal(AlertStates.Raised, alert.State);
        Assert.Equal(("node-1", "bin-07", "centre", "c4"), (alert.Node, alert.Sensor, alert.District, alert.Grid));
        Assert.Equal(95, alert.Value);
        Assert.Equal(90, alert.Threshold);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), alert.RaisedAt);
        Assert.Contains("fill_level 95 % above 90", alert.Message, StringComparison.Ordinal);
        Assert.Equal([AlertStates.Raised], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Threshold_DipBelowLevelWhilePending_RestartsTheDuration()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");

        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(3));
        Fill(h, node, 85);
        h.Advance(TimeSpan.FromMinutes(1));
        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(h.Engine.GetActive());

        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(h.Engine.GetActive());
    }

    [Fact]
    public void Threshold_Hysteresis_StaysActiveBetweenLevelsAndClearsBelowClearLevel()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");
        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(5));
        string id = Assert.Single(h.Engine.GetActive()).Id;

        Fill(h, node, 85);
        h.Advance(TimeSpan.FromMinutes(10));
        var still = Assert.Single(h.Engine.GetActive());
        Assert.Equal(id, still.Id);
        Assert.Equal(85, still.Value);
        Assert.Equal(1, h.Engine.ConditionCount);

        Fill(h, node, 80);
        Assert.Single(h.Engine.GetActive());

        Fill(h, node, 79.5);
        Assert.Empty(h.Engine.GetActive());
        var cleared = Assert.Single(h.Engine.GetHistory());
        Assert.Equal(id, cleared.Id);
        Assert.Equal(AlertStates.Cleared, cleared.State);
        Assert.Equal(h.Now, cleared.ClearedAt);
        Assert.Equal(79.5, cleared.Value);
        Assert.Equal(0, h.Engine.ConditionCount);

        // Between the levels again without an active alert: nothing pending, nothing kept, nothing raised.
        Fill(h, node, 85);
        h.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, h.Engine.ConditionCount);
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared], h.Published().Select(a => a.State));
    }

    [Fact]
    public void Threshold_AfterClear_RaisesANewAlertWithANewId()
    {
        using var h = new AlertHarness(Start, rules: BinFull());
        var node = new NodeMessages("centre", "c4", "node-1");
        Fill(h, node, 95);
        h.Advance(TimeSpan.FromMinutes(5));
        string first = Assert.Single(h.Engine.GetActive()).Id;
        Fill(h, node, 10);
        Fill(h, node, 99);
        h.Advance(TimeSpan.FromMinutes(5));

        string second = Assert.Single(h.Engine.GetActive()).Id;
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Threshold_Below_RaisesUnderLevelAndClearsAboveClearLevel()
    {
        using var h = new AlertHarness(Start, rules: new AlertRuleOptions
        {
            Id = "battery-low", Kind = AlertKinds.Threshold, Quantity = "battery_level", Below = 10, Clear = 20,
        });
        var node = new NodeMessages("centre", "c4", "node-1");
        void Battery(double v) => h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("power", "battery_level", v, "%")), h.Now);

        Battery(12);
        Assert.Empty(h.Engine.GetActive());
        Battery(9);
        Assert.Single(h.Engine.GetActive());
        Battery(15);
        Assert.Single(h.Engine.GetActive());
        Battery(21);
        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void Threshold_Selectors_LimitTheRuleToTheirDistrictAndSensor()
    {
        var rule = BinFull();
        rule.For = TimeSpan.Zero;
        rule.District = "north";
        rule.Sensor = "bin-07";
        using var h = new AlertHarness(Start, rules: rule);
        var centre = new NodeMessages("centre", "c4", "node-1");
        var north = new NodeMessages("north", "n1", "node-2");

        Fill(h, centre, 99);
        h.Observer.OnTelemetry(north.Topic("telemetry"), north.Telemetry(h.Now, ("bin-08", "fill_level", 99, "%")), h.Now);
        Assert.Empty(h.Engine.GetActive());

        Fill(h, north, 99);
        Assert.Equal("node-2", Assert.Single(h.Engine.GetActive()).Node);
    }

    [Fact]
    public void Threshold_ReplayedBacklogOlderThanMaxReadingAge_DoesNotRaise()
    {
        var rule = BinFull();
        rule.For = TimeSpan.Zero;
        using var h = new AlertHarness(Start, rules: rule);
        var node = new NodeMessages("centre", "c4", "node-1");

        h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now - TimeSpan.FromHours(2), ("bin-07", "fill_level", 99, "%")), h.Now);

        Assert.Empty(h.Engine.GetActive());
    }

    [Fact]
    public void NightWindow_RaisesOnlyBetween22And06LocalAndClearsWhenTheWindowEnds()
    {
        // 19:30 UTC = 21:30 in Berlin (CEST, UTC+2) on 1 June.
        var evening = new DateTimeOffset(2026, 6, 1, 19, 30, 0, TimeSpan.Zero);
        using var h = new AlertHarness(evening, "Europe/Berlin", new AlertRuleOptions
        {
            Id = "noise-night", Kind = AlertKinds.Threshold, Quantity = "noise_laeq", Above = 55, Clear = 52,
            For = TimeSpan.FromMinutes(1), Window = "22:00-06:00",
        });
        var node = new NodeMessages("centre", "c4", "node-1");
        void Noise(double v) => h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("mic", "noise_laeq", v, "dB(A)")), h.Now);

        Noise(70);
        h.Advance(TimeSpan.FromMinutes(20));
        Noise(70);
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(h.Engine.GetActive()); // 21:55 local: outside the window, loud is allowed

        h.Advance(TimeSpan.FromMinutes(5)); // 22:00 local
        Noise(60);
        h.Advance(TimeSpan.FromMinutes(1));
        var alert = Assert.Single(h.Engine.GetActive());
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 20, 1, 0, TimeSpan.Zero), alert.RaisedAt);

        // Still loud all night: stays up until 06:00 local (04:00 UTC), then the window ends and it clears.
        h.Time.SetUtcNow(new DateTimeOffset(2026, 6, 2, 3, 59, 0, TimeSpan.Zero));
        Noise(60);
        h.Engine.Evaluate();
        Assert.Single(h.Engine.GetActive());
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(h.Engine.GetActive());
        Assert.Equal([AlertStates.Raised, AlertStates.Cleared], h.Published().Select(a => a.State));
    }
}

using System.Text.Json;
using CityBrain.Hub.Health;
using CityBrain.Hub.Service.OperatorView;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>
/// The view's payloads, written node by node: every node's summary, detail only within the client's scope and the
/// cap, sparks only for those nodes, and the same bytes as the records (and the old /api/nodes list) serialized whole.
/// </summary>
public sealed class LiveViewWriterTests
{
    private static readonly NodeFilter North = NodeFilter.From("north", null, null, null);

    [Fact]
    public void State_SummaryOfEveryNode_DetailOnlyWithinScope_CountsPerStatus()
    {
        using var view = new ViewHarness().WithSmallCity();

        var state = view.ParseState(North);

        Assert.Equal(["node-n", "node-s", "node-t"], state.Nodes.Select(n => n.Node));
        Assert.Equal(new ViewScope("north", null, null, null, Nodes: 1, Sensors: 3, Detail: true, MaxDetailSensors: 2000), state.Scope);
        var n = state.Nodes[0];
        Assert.True(n.InScope);
        Assert.Equal(["bin-07", "bin-08", "cam"], n.Sensors!.Select(s => s.Id));
        Assert.All(n.Sensors!.SelectMany(s => s.Quantities), q => Assert.Empty(q.Spark));
        Assert.Equal(77, n.Sensors![0].Quantities.Single().Value);
        Assert.Equal(new SensorCounts(Ok: 1, Stale: 0, Fault: 1, Idle: 1), n.SensorCounts);
        Assert.Equal(("fault", "online", 5L), (n.Status, n.State, n.Buffer!.Readings));

        var s = state.Nodes[1];
        Assert.False(s.InScope);
        Assert.Null(s.Sensors);
        Assert.Equal(("offline", "connection_lost", 0), (s.Status, s.OfflineReason, s.SensorCounts.Total));
        var t = state.Nodes[2];
        Assert.False(t.InScope);
        Assert.Null(t.Sensors);
        Assert.Equal(new SensorCounts(1, 0, 0, 0), t.SensorCounts);
        Assert.Equal("node-offline", Assert.Single(state.Alerts.Active).Rule);
    }

    [Fact]
    public void State_TextScope_MatchesSensorsAndQuantities()
    {
        using var view = new ViewHarness().WithSmallCity();

        var state = view.ParseState(NodeFilter.From(null, null, null, "PM10"));

        Assert.Equal(["node-t"], state.Nodes.Where(n => n.InScope).Select(n => n.Node));
        Assert.Equal("air", Assert.Single(state.Nodes.Single(n => n.InScope).Sensors!).Id);
        Assert.Equal((1, 1, "PM10"), (state.Scope.Nodes, state.Scope.Sensors, state.Scope.Q));
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(3, false)]
    [InlineData(0, false)]
    public void State_CapHonoured_BeyondItSummariesAndNoSparks(int maxDetailSensors, bool detail)
    {
        using var view = new ViewHarness(maxDetailSensors).WithSmallCity();

        var state = view.ParseState(NodeFilter.All); // 3 + 0 + 1 sensors

        Assert.Equal((3, 4, detail, maxDetailSensors), (state.Scope.Nodes, state.Scope.Sensors, state.Scope.Detail, state.Scope.MaxDetailSensors));
        Assert.All(state.Nodes, n => Assert.True(n.InScope));
        Assert.All(state.Nodes, n => Assert.Equal(detail, n.Sensors is not null));
        Assert.Equal([3, 0, 1], state.Nodes.Select(n => n.SensorCounts.Total));
        var sparks = JsonSerializer.Deserialize(view.Sparks(NodeFilter.All), ViewJsonContext.Default.LiveSparklines)!;
        Assert.Equal(detail ? ["node-n", "node-s", "node-t"] : [], sparks.Nodes.Keys.Order(StringComparer.Ordinal));

        // A narrower scope within the cap gets its detail back.
        if (!detail && maxDetailSensors > 0)
        {
            var narrow = view.ParseState(NodeFilter.From("south", null, null, null));
            Assert.True(narrow.Scope.Detail);
            Assert.Equal(["air"], narrow.Nodes.Single(n => n.Node == "node-t").Sensors!.Select(x => x.Id));
            Assert.Null(narrow.Nodes.Single(n => n.Node == "node-n").Sensors);
        }
    }

    [Fact]
    public void State_StreamedBytes_AreTheLiveStateRecordSerialized()
    {
        using var view = new ViewHarness().WithSmallCity();
        var filter = NodeFilter.From("south", null, null, null);

        var payload = view.Stream.State(filter);

        var nodes = view.Registry.GetNodes(sparklines: false);
        var expected = new LiveState(
            payload.Version,
            view.Now,
            new ViewScope("south", null, null, null, 2, 1, true, 2000),
            nodes.Select(n => filter.Matches(n) ? NodeSummary.Of(n, true) with { Sensors = n.Sensors } : NodeSummary.Of(n, false)).ToList(),
            new AlertsResponse(view.Alerts.GetActive(), view.Alerts.GetHistory().Take(LiveViewWriter.RecentAlerts).ToList()));
        Assert.Equal(JsonSerializer.Serialize(expected, ViewJsonContext.Default.LiveState), System.Text.Encoding.UTF8.GetString(payload.Json));
        Assert.Equal(["node-s", "node-t"], payload.Detailed);
    }

    [Fact]
    public void Sparks_SameShapeAndContentAsBefore_ForTheScopeOnly()
    {
        using var view = new ViewHarness().WithSmallCity();

        var all = view.Registry.GetNodes(sparklines: true);
        Assert.Equal(JsonSerializer.Serialize(OldSparklines(all, view.Now), ViewJsonContext.Default.LiveSparklines), view.Sparks(NodeFilter.All));
        Assert.Equal(JsonSerializer.Serialize(OldSparklines([.. all.Where(North.Matches)], view.Now), ViewJsonContext.Default.LiveSparklines), view.Sparks(North));
        Assert.Equal(21, JsonSerializer.Deserialize(view.Sparks(North), ViewJsonContext.Default.LiveSparklines)!.Nodes["node-n"]["bin-07"]["fill_level"].Count);
    }

    [Fact]
    public void Nodes_Streamed_EqualTheOldList_SparklinesOnlyWhenAsked()
    {
        using var view = new ViewHarness().WithSmallCity();

        foreach (var filter in new[] { NodeFilter.All, North, NodeFilter.From(null, null, "offline", null), NodeFilter.From(null, null, null, "quay"), NodeFilter.From("nowhere", null, null, null) })
        {
            Assert.Equal(
                JsonSerializer.Serialize(view.Registry.GetNodes(sparklines: true).Where(filter.Matches).ToList(), ViewJsonContext.Default.ListNodeView),
                view.Nodes(filter, sparklines: true));
            Assert.Equal(
                JsonSerializer.Serialize(view.Registry.GetNodes(sparklines: false).Where(filter.Matches).ToList(), ViewJsonContext.Default.ListNodeView),
                view.Nodes(filter, sparklines: false));
        }

        Assert.Contains("\"spark\":[{\"t\":", view.Nodes(North, sparklines: true), StringComparison.Ordinal);
        Assert.DoesNotContain("\"spark\":[{", view.Nodes(North, sparklines: false), StringComparison.Ordinal);
    }

    [Fact]
    public void StateCache_SharedWhileUnchanged_RebuiltOnChange_Bounded()
    {
        using var view = new ViewHarness().WithSmallCity();

        var first = view.Stream.State(NodeFilter.From(" north ", "", null, null));
        Assert.Same(first, view.Stream.State(North));
        view.Time.Advance(TimeSpan.FromSeconds(5));
        var n = new CityBrain.Testing.Hub.NodeMessages("east", "e1", "node-e");
        view.Registry.OnStatus(n.Topic("status"), n.Online(view.Now), view.Now);
        var changed = view.Stream.State(North);
        Assert.True(changed.Version > first.Version);
        Assert.Contains("node-e", System.Text.Encoding.UTF8.GetString(changed.Json), StringComparison.Ordinal);

        for (int i = 0; i < LiveEventStream.MaxCachedScopes * 2; i++)
        {
            view.Stream.State(NodeFilter.From(null, null, null, $"text-{i}"));
        }

        Assert.Equal(LiveEventStream.MaxCachedScopes, view.Stream.CachedScopes);
    }

    [Fact]
    public void NodeFilter_From_TrimsEmptiesAndCaps()
    {
        Assert.Equal(NodeFilter.All, NodeFilter.From(" ", "", null, "\t"));
        Assert.Equal(NodeFilter.MaxLength, NodeFilter.From(null, null, null, new string('x', 1000)).Text!.Length);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(OperatorViewOptions.MaxDetailSensorsLimit + 1)]
    public void Options_MaxDetailSensorsOutOfRange_NamesFieldValueAndFix(int value)
    {
        var result = new OperatorViewOptionsValidator().Validate(null, new OperatorViewOptions { MaxDetailSensors = value });

        Assert.True(result.Failed);
        Assert.Contains($"Hub:OperatorView:MaxDetailSensors is {value}; use a number between 0 (node summaries only) and 20000 (default 2000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new OperatorViewOptionsValidator().Validate(null, new OperatorViewOptions { MaxDetailSensors = 0 }).Succeeded);
    }

    /// <summary>The <c>sparks</c> payload as the view made it before (a dictionary of every node's view).</summary>
    internal static LiveSparklines OldSparklines(IReadOnlyList<NodeView> nodes, DateTimeOffset now) => new(
        now,
        nodes.ToDictionary(
            n => n.Node,
            n => n.Sensors.ToDictionary(s => s.Id, s => s.Quantities.ToDictionary(q => q.Quantity, q => q.Spark, StringComparer.Ordinal), StringComparer.Ordinal),
            StringComparer.Ordinal));
}

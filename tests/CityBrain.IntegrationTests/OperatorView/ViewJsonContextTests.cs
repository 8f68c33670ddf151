using System.Text.Json;
using System.Text.Json.Serialization;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Ingest;
using CityBrain.Hub.Service.OperatorView;
using CityBrain.Testing.Hub;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>
/// Every JSON shape the view and the hub's API serve is the same with the source-generated contexts (NativeAOT) as it
/// was with the reflection serializer and the settings the endpoints used before.
/// </summary>
public sealed class ViewJsonContextTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>What ViewJson.Options was before the source generator.</summary>
    private static readonly JsonSerializerOptions ReflectionView = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>ASP.NET Core's default for Results.Json without options (/ingest/stats before).</summary>
    private static readonly JsonSerializerOptions ReflectionWeb = new(JsonSerializerDefaults.Web);

    private static readonly Alert Raised = new()
    {
        Id = "19e8310d920-1", Rule = "pm25-limit", Kind = AlertKinds.Threshold, Severity = AlertSeverities.Warning,
        State = AlertStates.Raised, Node = "node-1", Sensor = "air", Quantity = "pm2_5", District = "centre", Grid = "c4",
        Value = 81.2, Unit = "ug/m3", Threshold = 75, Message = "PM2.5 over the limit", RaisedAt = At,
    };

    private static List<NodeView> Nodes()
    {
        var time = new FakeTimeProvider(At);
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions { SnapshotPath = "" }), time, new HealthMetrics());
        var a = new NodeMessages("centre", "c4", "node-1", street: "elm-street");
        var b = new NodeMessages("harbour", "h1", "node-2");
        registry.OnStatus(a.Topic("status"), a.Online(time.GetUtcNow(), ("bin-07", "fill_level", "%", 60_000), ("air", "pm2_5", "ug/m3", 10_000)), time.GetUtcNow());
        registry.OnStatus(b.Topic("status"), b.Offline(time.GetUtcNow()), time.GetUtcNow());
        for (int i = 0; i < 3; i++)
        {
            registry.OnTelemetry(a.Topic("telemetry"), a.Telemetry(time.GetUtcNow(), ("bin-07", "fill_level", 40 + i, "%"), ("air", "pm2_5", 12.5 + i, "ug/m3")), time.GetUtcNow());
            time.Advance(TimeSpan.FromMinutes(1));
        }

        registry.OnHealth(a.Topic("health"), a.Health(time.GetUtcNow(), 60, 77), time.GetUtcNow());
        return registry.GetNodes().ToList();
    }

    private static void Same<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> generated, JsonSerializerOptions reflection)
    {
        string expected = JsonSerializer.Serialize(value, reflection);
        Assert.Equal(expected, JsonSerializer.Serialize(value, generated));
    }

    [Fact]
    public void NodesAlertsAndLiveEvents_SameAsReflection()
    {
        var nodes = Nodes();
        Assert.True(nodes.Count == 2 && nodes.Any(n => n.Sensors.Count == 2));
        Same(nodes, ViewJsonContext.Default.ListNodeView, ReflectionView);
        Same(nodes[0], ViewJsonContext.Default.NodeView, ReflectionView);
        var alerts = new AlertsResponse([Raised], [Raised with { State = AlertStates.Cleared, ClearedAt = At.AddMinutes(3), AckBy = "alice", AckAt = At.AddMinutes(1) }]);
        Same(alerts, ViewJsonContext.Default.AlertsResponse, ReflectionView);
        Same(Raised, ViewJsonContext.Default.Alert, ReflectionView);
        var summaries = nodes.Select((n, i) => i == 0 ? NodeSummary.Of(n, true) with { Sensors = n.Sensors } : NodeSummary.Of(n, false)).ToList();
        Same(new LiveState(42, At, new ViewScope("centre", null, null, "bin", 1, 2, true, 2000), summaries, alerts), ViewJsonContext.Default.LiveState, ReflectionView);
        Same(LiveViewWriterTests.OldSparklines(nodes, At), ViewJsonContext.Default.LiveSparklines, ReflectionView);
    }

    [Fact]
    public void ErrorResponse_SameAsTheAnonymousObjectItReplaced()
    {
        Assert.Equal(
            JsonSerializer.Serialize(new { error = "no node 'x' is known" }, ReflectionView),
            JsonSerializer.Serialize(new ErrorResponse("no node 'x' is known"), ViewJsonContext.Default.ErrorResponse));
    }

    [Fact]
    public void AckRequest_ReadsLikeReflection()
    {
        foreach (string body in new[] { "{\"by\":\"alice\"}", "{\"BY\":\"bob\"}", "{}" })
        {
            Assert.Equal(JsonSerializer.Deserialize<AckRequest>(body, ReflectionView), JsonSerializer.Deserialize(body, ViewJsonContext.Default.AckRequest));
        }
    }

    [Fact]
    public void IngestStatistics_SameAsTheDefaultWebSettings()
    {
        var stats = new IngestStatistics(10, 9, 90, 1, 2, 3, 4, new Dictionary<string, long> { ["invalid_json"] = 2 }, 5, 7, 9,
            [new NodeSequenceSnapshot("node-1", 10, 9, 1, 0, 0)], 1 << 20, 2 << 20, 4096)
        {
            DeadLetters = new DeadLetterFigures(12, 3, 4096, 0, "/var/lib/citybrain-hub/deadletters"),
        };
        Assert.Equal(JsonSerializer.Serialize(stats, ReflectionWeb), JsonSerializer.Serialize(stats, HubApiJsonContext.Default.IngestStatistics));
    }
}

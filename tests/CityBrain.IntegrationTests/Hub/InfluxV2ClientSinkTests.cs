using CityBrain.Testing;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Sinks;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// The <c>influxdb-client</c> influx-v2 sink (InfluxDB.Client, JIT builds only: see docs/influxdb-schema.md) against a
/// real VictoriaMetrics' v2 write endpoint: through the hub, what it writes is exactly what the HTTP sink writes, and
/// its errors map to the same results.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InfluxV2ClientSinkTests
{
    private static object ClientSink(string url) => new { kind = "influx-v2", client = SinkOptions.InfluxDbClient, url, org = "city", bucket = "citybrain", token = "unused" };

    [Fact]
    public async Task Telemetry_ThroughTheHub_IsWrittenExactlyToVictoriaMetrics()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-client-sink", [ClientSink(vm.Url)]));
        await using var node = await TestMqtt.ConnectAsync(broker.Port, "node-client-sink");

        long baseTs = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(); // VictoriaMetrics keeps one month
        var message = TestMqtt.Telemetry("n-21", "pm2_5", 40, 6, baseTs);
        await node.PublishTelemetryAsync("d01", "g0102", "n-21", message);

        IReadOnlyList<ExportedSeries> series = [];
        await Poll.UntilAsync(async () => (series = await vm.ExportAsync("{__name__=~\"pm2_5_.*\"}")).Sum(s => s.Values.Length) == 12, TimeSpan.FromSeconds(20), "12 samples are in VictoriaMetrics");
        HubIngestTests.AssertExported(series, message, "d01", "g0102", "n-21");
        Assert.Equal(1, hub.Statistics.MessagesWritten);
    }

    [Fact]
    public async Task WriteAsync_DatabaseDown_IsTransient_AndAcceptedOnceItIsBack()
    {
        await using var vm = await VictoriaMetricsServer.StartAsync();
        var options = new SinkOptions { Kind = SinkOptions.InfluxV2, Client = SinkOptions.InfluxDbClient, Url = vm.Url, Org = "city", Bucket = "citybrain", Token = "unused", TimeoutSeconds = 5 };
        await using var sink = PointSinkFactory.Create(options);
        Assert.IsType<InfluxV2ClientSink>(sink);
        using var batch = new LineBatch();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        batch.BeginLine("noise_laeq", 0).Tag("node", "n-1").Field("value", 61.5).EndLine(now);

        await vm.StopAsync();
        var down = await sink.WriteAsync(batch.Content(0, 1), 1, CancellationToken.None);
        Assert.Equal(SinkWriteStatus.Transient, down.Status);

        await vm.StartProcessAsync();
        var up = await sink.WriteAsync(batch.Content(0, 1), 1, CancellationToken.None);
        Assert.Equal(SinkWriteStatus.Accepted, up.Status);
        IReadOnlyList<ExportedSeries> series = [];
        await Poll.UntilAsync(async () => (series = await vm.ExportAsync("{__name__=\"noise_laeq_value\"}")).Count > 0, TimeSpan.FromSeconds(20), "the point is searchable in VictoriaMetrics");
        Assert.Equal([61.5], Assert.Single(series).Values);
    }
}

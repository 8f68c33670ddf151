using CityBrain.Drivers.Simulated;
using CityBrain.IntegrationTests.Edge;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Sensing;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.EndToEnd;

/// <summary>
/// The foundation's promise, on real servers: simulated sensors → edge node (disk buffer) → Mosquitto → hub →
/// InfluxDB 1.x (v1 /write) and VictoriaMetrics (v2 API through InfluxDB.Client). Every point read back matches what
/// the sensors produced: measurement, tags, value, quality, seq and source timestamp, exactly.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DataPathTests
{
    private const string Database = "citybrain";

    private static readonly Dictionary<string, (SimulatedSensorKind Kind, int Seed)> Sensors = new()
    {
        ["loop-01"] = (SimulatedSensorKind.Traffic, 1),
        ["bin-07"] = (SimulatedSensorKind.Bin, 7),
        ["env-01"] = (SimulatedSensorKind.Environment, 11),
        ["flood-01"] = (SimulatedSensorKind.Water, 3),
    };

    private const string SensorsJson = """
        [
          { "id": "loop-01", "driver": "simulated", "kind": "traffic", "intervalMs": 100, "seed": 1 },
          { "id": "bin-07", "driver": "simulated", "kind": "bin", "intervalMs": 250, "seed": 7 },
          { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 200, "seed": 11 },
          { "id": "flood-01", "driver": "simulated", "kind": "water", "intervalMs": 300, "seed": 3 }
        ]
        """;

    private readonly ITestOutputHelper _output;

    public DataPathTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task SimulatedSensorsToInfluxDbAndVictoriaMetrics_PointsMatchExactly()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync(Database);
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/v1/+/+/+/telemetry");
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-e2e", [HubConfig.InfluxV1(influx.Url, Database), HubConfig.VictoriaMetrics(vm.Url)]));

        var ledger = new TelemetryLedger();
        await using (var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, SensorsJson, path, "disk", nodeId: "n-e2e")))
        {
            await MqttCollector.WaitUntilAsync(() => ledger.Update(sub.Messages).BySeq.Count >= 300, TimeSpan.FromSeconds(30), "300 readings published");

            // What the sensors produced (counted before a seq exists) against what was published, from seq 0 to the last.
            await EdgeGroundTruth.StopAndReconcileAsync(edge, sub, ledger, firstSeq: 0, _output);
            Assert.Equal(0, edge.Node.Buffer.GetStats().Readings);
            Assert.Equal(0, edge.Node.Health.Snapshot().Buffer.Dropped.Values.Sum());
            Assert.Equal(edge.Node.Runners.Sum(r => r.State.Sampled), ledger.BySeq.Count);
        }

        _output.WriteLine($"published: {ledger}");

        // InfluxDB 1.x: every reading, once, exactly as produced.
        var rows = new List<Dictionary<string, System.Text.Json.JsonElement>>();
        await Poll.UntilAsync(
            async () =>
            {
                rows = [.. await influx.QueryAsync(Database, "SELECT * FROM /.*/ WHERE \"node\" = 'n-e2e'")];
                return rows.Count >= ledger.BySeq.Count;
            },
            TimeSpan.FromSeconds(60),
            "every reading in InfluxDB 1.x",
            () => $"InfluxDB has {rows.Count} of {ledger.BySeq.Count} rows; hub: {hub.Statistics} rejected: {string.Join(", ", hub.Statistics.RejectedByCode.Select(kv => kv.Key + "=" + kv.Value))}");
        Assert.Equal(ledger.BySeq.Count, rows.Count);
        foreach (var row in rows)
        {
            long seq = row["seq"].GetInt64();
            var expected = ledger.BySeq[seq];
            Assert.Equal(expected.Quantity, row["_measurement"].GetString());
            Assert.Equal("harbour", row["district"].GetString());
            Assert.Equal("g-0417", row["grid"].GetString());
            Assert.Equal("n-e2e", row["node"].GetString());
            Assert.Equal(expected.Sensor, row["sensor"].GetString());
            Assert.Equal(expected.TimestampMs, row["time"].GetInt64());
            Assert.Equal(expected.Value, row["value"].GetDouble());
            Assert.Equal(expected.Quality.ToWire(), row["quality"].GetString()); // a tag
            Assert.Equal(SimulatorValue(expected), row["value"].GetDouble());
        }

        // VictoriaMetrics through InfluxDB.Client: {measurement}_value series with the same tags (quality a label), values and ms timestamps.
        var expectedByKey = ledger.BySeq.Values.ToDictionary(r => (r.Quantity, r.Sensor, r.TimestampMs));
        var samples = new Dictionary<(string, string, long), (double Value, string Quality)>();
        await Poll.UntilAsync(
            async () =>
            {
                samples.Clear();
                foreach (var series in await vm.ExportAsync("{__name__=~\".+_value\",node=\"n-e2e\"}"))
                {
                    Assert.Equal("harbour", series.Labels["district"]);
                    Assert.Equal("g-0417", series.Labels["grid"]);
                    string quantity = series.Name[..^"_value".Length];
                    for (int i = 0; i < series.Timestamps.Length; i++)
                    {
                        samples[(quantity, series.Labels["sensor"], series.Timestamps[i])] = (series.Values[i], series.Labels["quality"]);
                    }
                }

                return samples.Count >= expectedByKey.Count;
            },
            TimeSpan.FromSeconds(60),
            "every reading in VictoriaMetrics",
            () => $"VictoriaMetrics has {samples.Count} of {expectedByKey.Count} samples; hub: {hub.Statistics}");
        Assert.Equal(expectedByKey.Count, samples.Count);
        foreach (var (key, reading) in expectedByKey)
        {
            Assert.True(samples.TryGetValue(key, out var sample), $"VictoriaMetrics lacks {key}");
            Assert.Equal((reading.Value, reading.Quality.ToWire()), sample);
        }

        _output.WriteLine($"InfluxDB 1.x rows: {rows.Count}; VictoriaMetrics samples: {samples.Count}; hub: {hub.Statistics}");
    }

    /// <summary>What the simulator produces for this reading's sensor, channel and time: an independent check of the value.</summary>
    private static double SimulatorValue(Reading reading)
    {
        var (kind, seed) = Sensors[reading.Sensor];
        var channels = SimulatedChannels.For(kind);
        int channel = channels.Select((q, i) => (q, i)).Single(x => x.q.Quantity == reading.Quantity).i;
        return SimulatedChannels.Value(kind, seed, channel, reading.TimestampMs);
    }
}

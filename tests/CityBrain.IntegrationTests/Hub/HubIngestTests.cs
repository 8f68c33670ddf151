using System.Text;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>Telemetry through a real Mosquitto into a hub in this process, read back from real InfluxDB 1.x and VictoriaMetrics.</summary>
[Trait("Category", "Integration")]
public sealed class HubIngestTests
{
    private readonly ITestOutputHelper _output;

    public HubIngestTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Telemetry_ThroughMosquitto_IsWrittenExactlyToInfluxV1AndVictoriaMetrics()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-exact",
            [HubConfig.InfluxV1(influx.Url, "citybrain"), HubConfig.VictoriaMetrics(vm.Url)]));
        await using var node = await TestMqtt.ConnectAsync(broker.Port, "node-exact");

        long baseTs = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var message = TestMqtt.Telemetry("n-17", "pm2_5", 40, 6, baseTs);
        await node.PublishTelemetryAsync("d01", "g0102", "n-17", message);

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", "pm2_5") == 6, TimeSpan.FromSeconds(20), "6 points are in InfluxDB");
        var rows = await influx.QueryAsync("citybrain", "SELECT * FROM \"pm2_5\" GROUP BY *");
        Assert.Equal(6, rows.Count);
        foreach (var (seq, reading) in message.Readings)
        {
            var row = Assert.Single(rows, r => r["time"].GetInt64() == reading.TimestampMs);
            Assert.Equal("pm2_5", row["_measurement"].GetString());
            Assert.Equal("d01", row["district"].GetString());
            Assert.Equal("g0102", row["grid"].GetString());
            Assert.Equal("n-17", row["node"].GetString());
            Assert.Equal(reading.Sensor, row["sensor"].GetString());
            Assert.Equal(reading.Value, row["value"].GetDouble());
            Assert.Equal(reading.Quality.ToWire(), row["quality"].GetString()); // a tag
            Assert.Equal(seq, row["seq"].GetInt64());
        }

        IReadOnlyList<ExportedSeries> series = [];
        await Poll.UntilAsync(async () => (series = await vm.ExportAsync("{__name__=~\"pm2_5_.*\"}")).Sum(s => s.Values.Length) == 12, TimeSpan.FromSeconds(20), "12 samples are in VictoriaMetrics");
        Assert.DoesNotContain(series, s => s.Name == "pm2_5_quality"); // quality is a label, not a series of its own
        AssertExported(series, message, "d01", "g0102", "n-17");

        var stats = hub.Statistics;
        _output.WriteLine($"hub: received {stats.MessagesReceived}, written {stats.MessagesWritten} messages / {stats.PointsWritten} points");
        Assert.Equal(1, stats.MessagesWritten);
    }

    [Fact]
    public async Task BadInput_IsDeadLetteredWithReason_CountedAndNeverWritten_NextGoodMessageIsWritten()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        // The hub advertises a Maximum Packet Size (1 MiB + 4 KiB by default) and the broker drops what is larger; the
        // shipped broker refuses such packets at the door (max_packet_size). To see the hub's own payload check
        // (Hub:MaxPayloadBytes) dead-letter the 10 MB case, this hub accepts packets up to 16 MiB.
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-bad", [HubConfig.InfluxV1(influx.Url, "citybrain")], maximumPacketSize: 16 * 1024 * 1024 + 4096));
        await using var client = await TestMqtt.ConnectAsync(broker.Port, "bad-node", listenForDeadLetters: true);
        const string topic = "citybrain/v1/d01/g01/n1/telemetry";
        long ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string Reading(string value, string sensor = "s1") =>
            $$"""{"seq":1,"sensor":"{{sensor}}","quantity":"bad_q","value":{{value}},"unit":"%","ts":{{ts}},"quality":"good"}""";
        string Message(string reading, int v = 1) => $$"""{"v":{{v}},"node":"n1","sent":{{ts}},"readings":[{{reading}}]}""";

        var cases = new (string Name, string Topic, byte[] Payload, string Code, string ReasonContains)[]
        {
            ("truncated JSON", topic, Encoding.UTF8.GetBytes(Message(Reading("1.5"))[..40]), ContractViolation.InvalidJson, "JSON"),
            ("wrong type", topic, Encoding.UTF8.GetBytes(Message(Reading("\"12\""))), ContractViolation.WrongType, "$.readings[0].value"),
            ("NaN literal", topic, Encoding.UTF8.GetBytes(Message(Reading("NaN"))), ContractViolation.InvalidJson, "JSON"),
            ("Infinity literal", topic, Encoding.UTF8.GetBytes(Message(Reading("Infinity"))), ContractViolation.InvalidJson, "JSON"),
            ("huge number", topic, Encoding.UTF8.GetBytes(Message(Reading("1e999"))), ContractViolation.InvalidValue, "finite"),
            ("unknown schema version", topic, Encoding.UTF8.GetBytes(Message(Reading("1.5"), v: 2)), ContractViolation.SchemaVersion, "version 2"),
            ("10 MB payload", topic, new byte[10 * 1024 * 1024], ContractViolation.TooLarge, "10485760 bytes"),
            ("tag value with , = space newline", topic, Encoding.UTF8.GetBytes(Message(Reading("1.5", "a,b=c d\\ne"))), ContractViolation.InvalidValue, "sensor"),
            ("node mismatch", "citybrain/v1/d01/g01/other/telemetry", Encoding.UTF8.GetBytes(Message(Reading("1.5"))), ContractViolation.NodeMismatch, "other"),
            ("other version namespace", "citybrain/v2/d01/g01/n1/telemetry", Encoding.UTF8.GetBytes(Message(Reading("1.5"))), ContractViolation.Topic, "outside"),
            ("wrong depth", "citybrain/v1/d01/n1/telemetry", Encoding.UTF8.GetBytes(Message(Reading("1.5"))), ContractViolation.Topic, "form"),
        };

        foreach (var c in cases)
        {
            await client.PublishAsync(c.Topic, c.Payload);
            var letter = await client.WaitForDeadLetterAsync(d => d.Topic == c.Topic && d.Code == c.Code && d.Reason.Contains(c.ReasonContains, StringComparison.Ordinal), c.Name);
            _output.WriteLine($"{c.Name,-34} -> {letter.Code}: {letter.Reason}");
            Assert.Equal(c.Payload.Length, letter.PayloadBytes);
            Assert.Equal("hub-bad", letter.Hub);
            client.DeadLetters.Clear();

            // The next good message is still written.
            var good = TestMqtt.Telemetry("n1", "good_q", seqFor(c.Name), 1, ts - 1000);
            await client.PublishTelemetryAsync("d01", "g01", "n1", good);
        }

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", "good_q") == cases.Length, TimeSpan.FromSeconds(20), $"{cases.Length} good points are written");
        Assert.Equal(0, await influx.CountAsync("citybrain", "bad_q"));
        var rejected = hub.Statistics.RejectedByCode;
        _output.WriteLine("rejected by code: " + string.Join(", ", rejected.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(cases.Length, rejected.Values.Sum());
        Assert.Equal(3, rejected[ContractViolation.InvalidJson]);
        Assert.Equal(2, rejected[ContractViolation.Topic]);

        long seqFor(string name) => Array.FindIndex(cases, x => x.Name == name);
    }

    /// <summary>Each reading of <paramref name="message"/> is in VictoriaMetrics' <paramref name="series"/> exactly: its value and seq, with its tags as labels.</summary>
    internal static void AssertExported(IReadOnlyList<ExportedSeries> series, TelemetryMessage message, string district, string grid, string node)
    {
        foreach (var (seq, reading) in message.Readings)
        {
            var labels = new Dictionary<string, string> { ["district"] = district, ["grid"] = grid, ["node"] = node, ["quality"] = reading.Quality.ToWire(), ["sensor"] = reading.Sensor };
            double Sample(string name)
            {
                var s = Assert.Single(series, s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value) && s.Timestamps.Contains(reading.TimestampMs));
                return s.Values[Array.IndexOf(s.Timestamps, reading.TimestampMs)];
            }

            Assert.Equal(reading.Value, Sample($"{reading.Quantity}_value"));
            Assert.Equal(seq, Sample($"{reading.Quantity}_seq"));
        }
    }
}

using System.Text;
using System.Text.Json;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>Partial writes refused by a real InfluxDB 1.x, and the embedded broker.</summary>
[Trait("Category", "Integration")]
public sealed class HubWritePathTests
{
    private readonly ITestOutputHelper _output;

    public HubWritePathTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task InfluxV1PartialWrite_RefusedPointsDeadLetteredWithServerReason_RestWritten()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");

        // An integer "value" already exists in this measurement: InfluxDB refuses our float points for it
        // (400 "partial write: field type conflict ... dropped=N") and keeps the other lines of the request.
        long ts = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds();
        using (var content = new StringContent($"conflict_q,node=other value=1i {ts}\n"))
        {
            using var response = await influx.Http.PostAsync("write?db=citybrain&precision=ms", content);
            Assert.Equal(204, (int)response.StatusCode);
        }

        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-partial", [HubConfig.InfluxV1(influx.Url, "citybrain")]));
        await using var client = await TestMqtt.ConnectAsync(broker.Port, "partial-node", listenForDeadLetters: true);
        var readings = new List<SequencedReading>();
        for (int i = 0; i < 40; i++)
        {
            string quantity = i is 7 or 30 ? "conflict_q" : "fine_q";
            readings.Add(new SequencedReading(i, new Reading($"s{i}", quantity, i + 0.5, "%", DateTimeOffset.FromUnixTimeMilliseconds(ts + i))));
        }

        await client.PublishTelemetryAsync("d01", "g01", "n-partial", new TelemetryMessage("n-partial", DateTimeOffset.UtcNow, readings));

        await Poll.UntilAsync(() => client.DeadLetters.Count(d => d.Code == "write_rejected") == 2, TimeSpan.FromSeconds(20), "two write_rejected dead letters");
        foreach (var letter in client.DeadLetters)
        {
            string line = letter.Line!; // the refused point as sent
            _output.WriteLine($"{letter.Code}: {letter.Reason} | {line.TrimEnd()}");
            Assert.Equal("write_rejected", letter.Code);
            Assert.Equal("citybrain/v1/d01/g01/n-partial/telemetry", letter.Topic);
            Assert.Contains("field type conflict", letter.Reason, StringComparison.Ordinal);
            Assert.Equal("n-partial", letter.Node);
            Assert.True(letter.Seq is 7 or 30, $"seq {letter.Seq}");
            Assert.StartsWith("conflict_q,district=d01,grid=g01,node=n-partial,quality=good,sensor=s", line, StringComparison.Ordinal);
        }

        Assert.Equal(38, await influx.CountAsync("citybrain", "fine_q"));
        Assert.Equal(1, await influx.CountAsync("citybrain", "conflict_q"));
        Assert.Equal(2, hub.Statistics.RejectedByCode["write_rejected"]);
        Assert.Equal(1, hub.Statistics.MessagesWritten); // the message is acknowledged: the rest is stored
    }

    [Fact]
    public async Task EmbeddedBroker_NodePublishesToHubsOwnBroker_PointsWritten()
    {
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        int port = FreePort.Get();
        string json = JsonSerializer.Serialize(new
        {
            Hub = new
            {
                InstanceName = "embedded",
                EmbeddedBroker = new { Enabled = true, BindAddress = "127.0.0.1", Port = port },
                Mqtt = new { Host = "127.0.0.1", Port = port, ClientId = "hub-embedded" },
                Sinks = new[] { HubConfig.InfluxV1(influx.Url, "citybrain") },
                Batching = new { MaxDelayMilliseconds = 20 },
            },
        });
        await using var hub = await InProcessHub.StartAsync(json);
        await using var node = await TestMqtt.ConnectAsync(port, "embedded-node", listenForDeadLetters: true);

        long ts = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await node.PublishTelemetryAsync("d02", "g07", "n-emb", TestMqtt.Telemetry("n-emb", "embedded_q", 0, 5, ts));
        await node.PublishAsync("citybrain/v1/d02/g07/n-emb/telemetry", Encoding.UTF8.GetBytes("{\"v\":1"));

        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", "embedded_q") == 5, TimeSpan.FromSeconds(20), "5 points through the embedded broker");
        var letter = await node.WaitForDeadLetterAsync(d => d.Code == ContractViolation.InvalidJson, "the truncated message");
        _output.WriteLine($"embedded broker on 127.0.0.1:{port}: 5 points written; dead letter {letter.Code}: {letter.Reason}");
    }
}

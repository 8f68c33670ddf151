using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CityBrain.IntegrationTests.Broker;
using CityBrain.IntegrationTests.Edge;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Testing;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.EndToEnd;

/// <summary>
/// On-call reads through the real pieces on loopback: the built citybrain-edge process, Mosquitto with the shipped
/// configuration and ACL (TLS, per-user credentials), the built citybrain-hub process with a VictoriaMetrics sink, and
/// the view's read-now endpoint. The node's sensor polls every 5 s; a read-now answers at once, and the reading it
/// answers with is stored like any other (found in VictoriaMetrics by its timestamp).
/// </summary>
[Trait("Category", "Integration")]
public sealed class OnCallReadTests
{
    private const string NodeId = "n-oncall-01";
    private const string OtherNode = "n-oncall-02";
    private const string HubUser = "citybrain-hub-a";
    private const string ConsumerUser = "citybrain-hub-b"; // a second requester with the hub role (the ACL's cmd writers)
    private const string ReaderToken = "reader-token-0123456789";
    private const string ViewerToken = "viewer-token-0123456789";

    private static readonly string Sensors = """
        [ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 5000, "seed": 7 } ]
        """;

    [Fact]
    public async Task ReadNow_ThroughEdgeBrokerAndHub_AnswersRefusesAndStores()
    {
        await using var broker = await ShippedBroker.StartAsync(NodeId, OtherNode, HubUser, ConsumerUser);
        await using var vm = await VictoriaMetricsServer.StartAsync();
        string ca = Path.Combine(broker.Directory, "ca.pem");
        await using var hub = await HubProcess.StartAsync(port => HubJson(broker.TlsPort, ca, vm.Url, port));
        string passwordFile = Path.Combine(broker.Directory, NodeId + ".password");
        await File.WriteAllTextAsync(passwordFile, ShippedBroker.Password + NodeId + "\n");
        await using var edge = EdgeProcess.Start(buffer => EdgeNodeHarness.Config(broker.TlsPort, Sensors, buffer, nodeId: NodeId)
            .Replace(
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.TlsPort},",
                $"\"mqtt\": {{ \"host\": \"127.0.0.1\", \"port\": {broker.TlsPort}, \"username\": \"{NodeId}\", \"passwordFile\": \"{passwordFile}\", \"tls\": {{ \"enabled\": true, \"caFile\": \"{ca}\", \"serverName\": \"localhost\" }},",
                StringComparison.Ordinal)
            .Replace("\"publish\":", "\"onCall\": { \"ratePerMinute\": 1, \"burst\": 2 },\n  \"publish\":", StringComparison.Ordinal));

        await Poll.UntilAsync(
            async () =>
            {
                using var response = await Get(hub, $"api/nodes/{NodeId}", ReaderToken);
                return response.StatusCode == HttpStatusCode.OK && (await Json(response)).GetProperty("state").GetString() == "online";
            },
            TimeSpan.FromSeconds(30),
            "the hub sees the node online (its birth follows its cmd subscription)",
            edge.Tail);

        // Read-only by default: a token without readNow is refused, and so is a request without the CSRF header.
        Assert.Equal(HttpStatusCode.Forbidden, (await ReadNow(hub, "env-01", ViewerToken)).StatusCode);
        using (var noHeader = new HttpRequestMessage(HttpMethod.Post, $"api/nodes/{NodeId}/sensors/env-01/read"))
        {
            noHeader.Headers.Authorization = new("Bearer", ReaderToken);
            Assert.Equal(HttpStatusCode.BadRequest, (await hub.Http.SendAsync(noHeader)).StatusCode);
        }

        // An unknown sensor: the node says so (and spends no token of its bucket).
        var unknown = await ReadNow(hub, "no-such-sensor", ReaderToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("unknown_sensor", (await Json(unknown)).GetProperty("error").GetString());

        // Read now: answered well inside the 5 s poll interval, with every quantity of the sensor.
        var started = DateTime.UtcNow;
        var read = await ReadNow(hub, "env-01", ReaderToken);
        var elapsed = DateTime.UtcNow - started;
        var answer = await Json(read);
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"read-now answered {read.StatusCode}: {answer}. Edge: {edge.Tail()} Hub: {hub.Tail()}");
        Assert.Equal("ok", answer.GetProperty("status").GetString());
        Assert.Equal(NodeId, answer.GetProperty("node").GetString());
        var readings = answer.GetProperty("readings").EnumerateArray().ToList();
        Assert.NotEmpty(readings);
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"read-now took {elapsed.TotalMilliseconds:0} ms");

        // The bucket holds 2 and refills one a minute: the second read runs, the third is rate limited.
        Assert.Equal(HttpStatusCode.OK, (await ReadNow(hub, "env-01", ReaderToken)).StatusCode);
        var limited = await ReadNow(hub, "env-01", ReaderToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", (await Json(limited)).GetProperty("error").GetString());

        // An expired request (straight over MQTT, as another consumer with the role): answered, not executed.
        using (var consumer = new MqttClientFactory().CreateMqttClient())
        {
            var answers = new ConcurrentQueue<(byte[]? Correlation, string Text)>();
            consumer.ApplicationMessageReceivedAsync += e =>
            {
                answers.Enqueue((e.ApplicationMessage.CorrelationData, e.ApplicationMessage.ConvertPayloadToString()));
                return Task.CompletedTask;
            };
            await consumer.ConnectAsync(broker.Client(ConsumerUser, ConsumerUser).Build());
            string replies = $"citybrain/v1/_replies/{ConsumerUser}/{NodeId}";
            await consumer.SubscribeAsync(replies, MqttQualityOfServiceLevel.AtLeastOnce);
            byte[] correlation = [1, 2, 3, 4];
            long expired = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();
            var sent = await consumer.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"citybrain/v1/harbour/g-0417/{NodeId}/cmd")
                .WithPayload($$"""{"v":1,"op":"read","sensor":"env-01","expires":{{expired}}}""")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithResponseTopic(replies)
                .WithCorrelationData(correlation)
                .Build());
            Assert.True(sent.IsSuccess, $"the consumer's request was refused: {sent.ReasonCode}");
            await Poll.UntilAsync(() => Task.FromResult(!answers.IsEmpty), TimeSpan.FromSeconds(10), "the answer to the expired request", edge.Tail);
            Assert.True(answers.TryDequeue(out var expiredAnswer));
            Assert.Equal(correlation, expiredAnswer.Correlation);
            using var doc = JsonDocument.Parse(expiredAnswer.Text);
            Assert.Equal("expired", doc.RootElement.GetProperty("error").GetString());
            Assert.Empty(doc.RootElement.GetProperty("readings").EnumerateArray());
        }

        // A node's credentials cannot issue a command: not to another node, not to itself (PUBACK 0x87 from the ACL).
        using (var rogue = new MqttClientFactory().CreateMqttClient())
        {
            await rogue.ConnectAsync(broker.Client(OtherNode, OtherNode).Build());
            foreach (string target in new[] { NodeId, OtherNode })
            {
                var forged = await rogue.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"citybrain/v1/harbour/g-0417/{target}/cmd")
                    .WithPayload($$"""{"v":1,"op":"read","sensor":"env-01","expires":{{DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds()}}}""")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithResponseTopic($"citybrain/v1/_replies/{OtherNode}/{target}")
                    .WithCorrelationData([9])
                    .Build());
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
            }
        }

        // Ground truth: the answered reading went the normal way (buffer → telemetry → hub → database), same value and time.
        var first = readings[0];
        string quantity = first.GetProperty("quantity").GetString()!;
        long ts = first.GetProperty("ts").GetInt64();
        double value = first.GetProperty("value").GetDouble();
        await Poll.UntilAsync(
            async () =>
            {
                await vm.FlushAsync();
                var series = await vm.ExportAsync($"{{__name__=\"{quantity}_value\",node=\"{NodeId}\",sensor=\"env-01\"}}");
                return series.Any(s => s.Timestamps.Zip(s.Values).Any(p => p.First == ts && Math.Abs(p.Second - value) < 1e-9));
            },
            TimeSpan.FromSeconds(30),
            $"the read-now reading {quantity}={value} at {ts} stored in VictoriaMetrics",
            hub.Tail);
        edge.AssertAlive();
    }

    private static Task<HttpResponseMessage> Get(HubProcess hub, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return hub.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> ReadNow(HubProcess hub, string sensor, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/nodes/{NodeId}/sensors/{sensor}/read");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-CityBrain-Request", "read");
        return hub.Http.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private static string HubJson(int mqttPort, string ca, string vmUrl, int httpPort) => JsonSerializer.Serialize(new
    {
        Hub = new
        {
            InstanceName = "a",
            Mqtt = new { Host = "127.0.0.1", Port = mqttPort, UseTls = true, CaCertificatePath = ca, Username = HubUser, Password = ShippedBroker.Password + HubUser, MaxReconnectDelaySeconds = 2 },
            Sinks = new object[] { HubConfig.VictoriaMetrics(vmUrl) },
            Batching = new { MaxLines = 5000, MaxDelayMilliseconds = 50, QueueCapacity = 500 },
            HttpPort = httpPort,
            Health = new { SnapshotPath = "" }, // no node remembered from another run: "known" means heard from in this one
            OperatorView = new
            {
                Tokens = new object[]
                {
                    new { Name = "duty-officer", Token = ReaderToken, ReadNow = true },
                    new { Name = "wall-screen", Token = ViewerToken },
                },
            },
        },
        Logging = new { LogLevel = new { Default = "Warning" } },
    });
}

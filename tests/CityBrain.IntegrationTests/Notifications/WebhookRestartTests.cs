using System.Text.Json;
using System.Text.Json.Nodes;
using CityBrain.Hub.Notifications;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityBrain.IntegrationTests.Notifications;

/// <summary>
/// Alerts reach someone: the real citybrain-hub process POSTs every alert event to a webhook on loopback exactly once,
/// across a SIGKILL of the hub and while the receiver was down, and writes each as an alert_history row to real
/// VictoriaMetrics. Ground truth is what the test made the nodes do: three nodes each went offline and came back.
/// </summary>
public sealed class WebhookRestartTests
{
    private const string SigningKey = "test-signing-key";
    private const string Token = "test-bearer-token";

    [Fact]
    public async Task EveryAlertEvent_ReachesTheWebhookExactlyOnce_AcrossAHubKill_AndIsInTheHistory()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var dir = new TempDirectory("notify-restart");
        await using var broker = await MosquittoServer.StartAsync();
        await using var vm = await VictoriaMetricsServer.StartAsync();
        await using var receiver = new WebhookReceiver(FreePort.Get(), SigningKey);
        receiver.Start();
        string snapshot = dir.Combine("health-registry.json");
        await using var hub = await HubProcess.StartAsync(port => JsonSerializer.Serialize(new
        {
            Hub = new
            {
                InstanceName = "hub-notify",
                Mqtt = new { Host = "127.0.0.1", Port = broker.Port, ClientId = "hub-notify", MaxReconnectDelaySeconds = 1 },
                Sinks = new[] { HubConfig.VictoriaMetrics(vm.Url) },
                HttpPort = port,
                Health = new { SnapshotPath = snapshot, SnapshotInterval = "00:00:01" },
                Alerts = new { TickInterval = "00:00:00.2", Rules = new[] { new { Id = "node-offline", Kind = "offline", Severity = "critical" } } },
                Notifications = new
                {
                    OutboxPath = dir.Combine("outbox"),
                    History = true,
                    RetryAttempts = 1,
                    InitialRetryDelay = "00:00:00.05",
                    MaxRetryDelay = "00:00:00.2",
                    RoundPause = "00:00:00.3",
                    Webhooks = new[] { new { Id = "ops", Url = receiver.Url, BearerToken = Token, SigningKey, Timeout = "00:00:02" } },
                    Levels = new { Grid = new[] { "ops" } },
                },
            },
            Logging = new { LogLevel = new { Default = "Warning" } },
        }));

        var factory = new MqttClientFactory();
        using var nodes = factory.CreateMqttClient();
        await nodes.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("nodes").Build(), cts.Token);
        var node = new Dictionary<string, NodeMessages>();
        foreach (string n in new[] { "node-1", "node-2", "node-3" })
        {
            node[n] = new NodeMessages("harbour", "h1", n);
            await Status(nodes, node[n], online: true, cts.Token);
        }

        // 1. Receiver up: node-1 goes offline.
        await Status(nodes, node["node-1"], online: false, cts.Token);
        await Poll.UntilAsync(Sync(() => Has(receiver, "node-1", "raised")), TimeSpan.FromSeconds(30), "node-1 raised at the webhook", hub.Tail);

        // 2. Receiver down: node-2 goes offline, node-1 comes back. Both wait in the outbox (and the alert in the snapshot).
        await receiver.StopAsync();
        await Status(nodes, node["node-2"], online: false, cts.Token);
        await Status(nodes, node["node-1"], online: true, cts.Token);
        string outbox = Path.Combine(dir.Combine("outbox"), NotificationOutbox.FileName);
        await Poll.UntilAsync(Sync(() => OutboxHas(outbox, "node-2", "raised") && OutboxHas(outbox, "node-1", "cleared")), TimeSpan.FromSeconds(30), "both in the outbox", hub.Tail);
        await Poll.UntilAsync(Sync(() => SnapshotHasAlert(snapshot, "node-2")), TimeSpan.FromSeconds(10), "node-2's alert in the health snapshot", hub.Tail);

        // 3. SIGKILL. node-3 goes offline while the hub is dead; the hub comes back while the receiver is still down.
        await hub.KillAsync();
        await Status(nodes, node["node-3"], online: false, cts.Token);
        await hub.StartProcessAsync();
        await Poll.UntilAsync(Sync(() => OutboxHas(outbox, "node-3", "raised")), TimeSpan.FromSeconds(30), "node-3 raised in the outbox after the restart", hub.Tail);
        await Task.Delay(TimeSpan.FromSeconds(1), cts.Token); // a few failed rounds against the dead receiver

        // 4. Receiver back; then node-2 and node-3 come back.
        receiver.Start();
        await Status(nodes, node["node-2"], online: true, cts.Token);
        await Status(nodes, node["node-3"], online: true, cts.Token);

        string[] expected = ["node-1/raised", "node-1/cleared", "node-2/raised", "node-2/cleared", "node-3/raised", "node-3/cleared"];
        await Poll.UntilAsync(Sync(() => expected.All(e => Has(receiver, e.Split('/')[0], e.Split('/')[1]))), TimeSpan.FromSeconds(60), "every event at the webhook", hub.Tail);
        await Task.Delay(TimeSpan.FromSeconds(1), cts.Token); // anything sent twice would arrive now

        var received = receiver.Received.ToList();
        Assert.Equal(expected.Order(), received.Select(r => $"{r.Message.Alert.Node}/{r.Message.Event}").Order());
        Assert.Equal(received.Count, received.Select(r => r.Key).Distinct().Count());
        Assert.All(received, r =>
        {
            Assert.True(r.SignatureValid, r.Key);
            Assert.Equal(r.Key, r.Message.Key);
            Assert.Equal("Bearer " + Token, r.Bearer);
        });
        Assert.All(received.GroupBy(r => r.Message.Alert.Node), g => Assert.Single(g.Select(r => r.Message.Alert.Id).Distinct()));

        // The history: one alert_history row per event in VictoriaMetrics (series per node and event).
        await Poll.UntilAsync(
            async () =>
            {
                await vm.FlushAsync();
                var series = await vm.ExportAsync("{__name__=\"alert_history_escalation_level\"}");
                return series.Sum(s => s.Values.Length) >= expected.Length;
            },
            TimeSpan.FromSeconds(30),
            "six alert_history rows",
            hub.Tail);
        var rows = await vm.ExportAsync("{__name__=\"alert_history_escalation_level\"}");
        Assert.Equal(expected.Order(), rows.SelectMany(s => s.Values.Select(_ => $"{s.Labels["node"]}/{s.Labels["event"]}")).Order());
        Assert.All(rows, s => Assert.Equal(("node-offline", "critical", "grid"), (s.Labels["rule"], s.Labels["severity"], s.Labels["level"])));
    }

    private static Func<Task<bool>> Sync(Func<bool> condition) => () => Task.FromResult(condition());

    private static bool Has(WebhookReceiver receiver, string node, string ev) =>
        receiver.Received.Any(r => r.Message.Alert.Node == node && r.Message.Event == ev);

    private static bool OutboxHas(string path, string node, string ev) =>
        File.Exists(path) && File.ReadLines(path).Any(line =>
            JsonNode.Parse(line) is { } record && (string?)record["t"] == "add" && (string?)record["channel"] == "ops" && (string?)record["event"] == ev
            && JsonNode.Parse((string)record["body"]!)!["alert"]!["node"]!.GetValue<string>() == node);

    private static bool SnapshotHasAlert(string path, string node)
    {
        try
        {
            // JSON Lines: the header line holds the active alerts.
            return File.Exists(path) && JsonNode.Parse(File.ReadLines(path).First())!["alerts"]!.AsArray().Any(a => (string?)a!["node"] == node);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException)
        {
            return false; // being replaced
        }
    }

    private static async Task Status(IMqttClient client, NodeMessages node, bool online, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var status = online ? node.Online(now) : node.Offline(now);
        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic($"citybrain/v1/harbour/h1/{node.Node}/status")
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(status, ContractJsonContext.Default.StatusMessage))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag()
                .Build(),
            cancellationToken);
    }
}

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using CityBrain.Edge;
using CityBrain.Edge.Composition;
using CityBrain.Edge.Hosting;
using CityBrain.Edge.Provisioning;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace CityBrain.Provisioning.Cli.Tests.Integration;

/// <summary>
/// Signed configuration end to end on a real Mosquitto with TLS, passwords and the shipped ACL: the command initialises
/// a node's configuration, makes keys and pushes as the provisioning user; the node (ConfigRuntime, in this process)
/// applies a good one, refuses an unknown key, an older revision and an invalid one with the reason, rolls back one
/// that cannot reach the broker within the window and keeps reading; an edit of the file on the node is applied too;
/// status shows the revision. No reading is lost: what the simulated sensors produced (ground truth) equals what the
/// subscriber received plus what the buffer still holds, by sequence number.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConfigPushTests
{
    private const string NodeId = "n-push-01";
    private const string NodePassword = "node-secret-1";
    private const string ProvisioningUser = "citybrain-provisioning";
    private const string ProvisioningPassword = "prov-secret-1";
    private const string HubUser = "citybrain-hub-a"; // one broker user per hub instance (deploy/mosquitto/acl)
    private const string HubPassword = "hub-secret-1";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Push_GoodUnknownKeyOlderInvalidUnreachable_AppliedRefusedRolledBack_NoReadingLost()
    {
        await using var broker = await SecureMosquitto.StartAsync(new Dictionary<string, string> { [NodeId] = NodePassword, [ProvisioningUser] = ProvisioningPassword, [HubUser] = HubPassword });
        string ca = SecureMosquitto.CaFile(broker);
        using var dir = new TempDirectory("cli-push");
        string nodePassword = dir.Combine("node.password"), provPassword = dir.Combine("prov.password");
        await File.WriteAllTextAsync(nodePassword, NodePassword + "\n");
        await File.WriteAllTextAsync(provPassword, ProvisioningPassword + "\n");
        string config = dir.Combine("node.json");

        await using (var init = await CliRun.RunAsync([
            "init", "-o", config, "--node", NodeId, "--city", "metropolis", "--district", "harbour", "--street", "quay-road", "--grid", "g-0417",
            "--broker", $"127.0.0.1:{broker.Port}", "--tls", "--ca", ca, "--server-name", "localhost", "--username", NodeId, "--password-file", nodePassword,
            "--buffer-path", dir.Combine("buffer"), "--sensor", "env-01=simulated:environment:100", "--sensor", "loop-01=simulated:traffic:100",
            "--delivery-ack", "broker"])) // the "hub" here is a plain subscriber that sends no end-to-end acknowledgements
        {
            Assert.True(init.ExitCode == 0, init.ToString());
        }

        string revision1 = await File.ReadAllTextAsync(config);
        await using (var keys = await CliRun.RunAsync(["keys", "new", "--dir", dir.Combine("keys"), "--name", "tech"]))
        {
            Assert.True(keys.ExitCode == 0, keys.ToString());
        }

        await using (var stranger = await CliRun.RunAsync(["keys", "new", "--dir", dir.Combine("stranger"), "--name", "stranger"]))
        {
            Assert.True(stranger.ExitCode == 0, stranger.ToString());
        }

        Directory.CreateDirectory(dir.Combine("trust"));
        File.Copy(dir.Combine("keys", "tech.pub.pem"), dir.Combine("trust", "tech.pem"));

        await using var hub = await MqttCollector.StartAsync(broker.Host, broker.Port, ["citybrain/#"], clientId: "hub-test", configure: b => b
            .WithCredentials(HubUser, HubPassword)
            .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(SecureMosquitto.LoadCa(ca)).WithRevocationMode(X509RevocationMode.NoCheck)));

        var drivers = BuiltInDrivers.Create();
        var loaded = await NodeConfigurationLoader.LoadAsync(config, drivers, CancellationToken.None);
        var buffer = await BufferFactory.OpenAsync(loaded.Configuration.Buffer, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        var runtime = new ConfigRuntime(
            config, loaded, await File.ReadAllBytesAsync(config), buffer, drivers,
            new ConfigApplyOptions { TrustPath = dir.Combine("trust"), HealthWindow = Window, FileCheckInterval = TimeSpan.FromMilliseconds(200) },
            null, new EdgeMetrics(), TimeProvider.System, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => runtime.RunAsync(stop.Token));
        await using (runtime)
        {
            await MqttCollector.WaitUntilAsync(() => hub.OnTopicEndingWith($"/{NodeId}/telemetry").Count >= 3, TimeSpan.FromSeconds(30), "telemetry over TLS");

            string[] Push(string file, string key, params string[] extra) =>
                ["push", file, "--key", key, "--broker", $"127.0.0.1:{broker.Port}", "--ca", ca, "--server-name", "localhost", "--password-file", provPassword, "--timeout", "60", "--json", .. extra];
            string key = dir.Combine("keys", "tech.key.pem");

            // 1. A good configuration (revision 2, another interval): applied and reported.
            string revision2 = await WriteAsync(dir, "rev2.json", revision1.Replace("\"revision\": 1", "\"revision\": 2", StringComparison.Ordinal).Replace("\"intervalMs\": 100\n", "\"intervalMs\": 150\n", StringComparison.Ordinal));
            var applied = await PushAsync(Push(revision2, key), 0);
            Assert.Equal("applied", applied["state"]!.GetValue<string>());
            Assert.Equal(new ConfigInfo(2, ConfigStateMessage.Applied), runtime.Info);
            Assert.Equal(await File.ReadAllTextAsync(revision2), await File.ReadAllTextAsync(config));
            Assert.Equal(revision1, await File.ReadAllTextAsync(config + ".last-good"));

            // 2. Signed with a key the node does not trust: refused with the reason.
            string revision3 = await WriteAsync(dir, "rev3.json", (await File.ReadAllTextAsync(revision2)).Replace("\"revision\": 2", "\"revision\": 3", StringComparison.Ordinal));
            var unknown = await PushAsync(Push(revision3, dir.Combine("stranger", "stranger.key.pem")), 4);
            Assert.Equal("rejected", unknown["state"]!.GetValue<string>());
            Assert.Contains("unknown key", unknown["reason"]!.GetValue<string>(), StringComparison.Ordinal);

            // 3. An older revision (a replay of revision 1): refused.
            var older = await PushAsync(Push(config + ".last-good", key), 4);
            Assert.Equal("rejected", older["state"]!.GetValue<string>());
            Assert.Contains("not higher than the running revision 2", older["reason"]!.GetValue<string>(), StringComparison.Ordinal);

            // 4. Invalid (a driver this build does not have), pushed without the local check: refused by the node's loader.
            string invalid = await WriteAsync(dir, "invalid.json", (await File.ReadAllTextAsync(revision3)).Replace("\"driver\": \"simulated\"", "\"driver\": \"telepathy\"", StringComparison.Ordinal));
            var refused = await PushAsync(Push(invalid, key, "--no-check"), 4);
            Assert.Equal("rejected", refused["state"]!.GetValue<string>());
            Assert.Contains("/sensors/0/driver", refused["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(new ConfigInfo(2, ConfigStateMessage.Rejected), runtime.Info);

            // 5. Valid but the broker is unreachable from it: rolled back within the window, readings go on.
            string unreachable = await WriteAsync(dir, "unreachable.json", (await File.ReadAllTextAsync(revision3)).Replace($"\"port\": {broker.Port}", $"\"port\": {FreePort.Get()}", StringComparison.Ordinal));
            var started = DateTime.UtcNow;
            var rolledBack = await PushAsync(Push(unreachable, key), 4);
            Assert.Equal("rolled_back", rolledBack["state"]!.GetValue<string>());
            Assert.Contains("not connected", rolledBack["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(2, rolledBack["running"]!.GetValue<long>());
            Assert.True(DateTime.UtcNow - started < Window + TimeSpan.FromSeconds(20), "the rollback took far longer than the window");
            Assert.Equal(await File.ReadAllTextAsync(revision2), await File.ReadAllTextAsync(config));
            int before = hub.OnTopicEndingWith($"/{NodeId}/telemetry").Count;
            await MqttCollector.WaitUntilAsync(() => hub.OnTopicEndingWith($"/{NodeId}/telemetry").Count > before + 3, TimeSpan.FromSeconds(30), "telemetry after the rollback");

            // 6. Status from the retained messages.
            await MqttCollector.WaitUntilAsync(() => hub.OnTopicEndingWith($"/{NodeId}/health").Any(m => m.Text.Contains("\"rolled_back\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the apply state in health");
            await using (var status = await CliRun.RunAsync(["status", "--node", NodeId, "--broker", $"127.0.0.1:{broker.Port}", "--ca", ca, "--server-name", "localhost", "--password-file", provPassword, "--json"]))
            {
                Assert.True(status.ExitCode == 0, status.ToString());
                var row = Assert.Single(status.Json()["result"]!["nodes"]!.AsArray())!;
                Assert.Equal("online", row["state"]!.GetValue<string>());
                Assert.Equal(2, row["configRevision"]!.GetValue<long>());
                Assert.Equal("rolled_back", row["configState"]!.GetValue<string>());
                Assert.Empty(row["faultySensors"]!.AsArray());
            }

            // 7. An edit of the file on the node goes the same way.
            await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(revision2)).Replace("\"revision\": 2", "\"revision\": 4", StringComparison.Ordinal));
            await MqttCollector.WaitUntilAsync(() => runtime.Info == new ConfigInfo(4, ConfigStateMessage.Applied), TimeSpan.FromSeconds(30), "the edited file applied");
            Assert.Equal(ConfigStateMessage.FromFile, runtime.LastAnswer!.Source);

            // Let the backlog of the rollback drain, then stop and reconcile against what the sensors produced.
            await MqttCollector.WaitUntilAsync(() => buffer.GetStats().Readings < 40, TimeSpan.FromSeconds(60), "the backlog drained");
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
            long produced = runtime.Sampled;
            long remaining = buffer.GetStats().Readings;
            await Task.Delay(TimeSpan.FromSeconds(1)); // the last PUBACKed batch reaches the subscriber
            var received = new HashSet<long>();
            foreach (var m in hub.OnTopicEndingWith($"/{NodeId}/telemetry"))
            {
                Assert.True(TelemetryCodec.TryRead(m.Payload, out var message, out var violation), $"contract broken: {violation}");
                foreach (var r in message!.Readings)
                {
                    received.Add(r.Seq);
                }
            }

            Assert.True(produced > 100, $"only {produced} readings produced");
            Assert.Equal(produced, received.Count + remaining);
            long gaps = received.Max() - received.Min() + 1 - received.Count;
            Assert.True(gaps <= remaining, $"{gaps} sequence numbers missing at the subscriber, {remaining} still buffered");
        }
    }

    private static async Task<string> WriteAsync(TempDirectory dir, string name, string text)
    {
        string path = dir.Combine(name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    private static async Task<JsonObject> PushAsync(string[] args, int exitCode)
    {
        await using var push = await CliRun.RunAsync(args, timeoutSeconds: 90);
        Assert.True(push.ExitCode == exitCode, push.ToString());
        return push.Json()["result"]!.AsObject();
    }
}

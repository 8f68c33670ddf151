using System.Text.Json;
using CityBrain.Edge.Hosting;
using CityBrain.Edge.Composition;
using CityBrain.Edge.Provisioning;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Provisioning.Signing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Edge.Tests.Provisioning;

/// <summary>
/// The trust folder is read at every push: a key a technician installs on a running node is trusted from the next push,
/// and a deleted one is not, without a restart. A running <see cref="ConfigRuntime"/> on a real Mosquitto (the health
/// check after an apply needs a connected broker), pushes handed to it as the MQTT handler would.
/// </summary>
public sealed class TrustFolderTests
{
    private const string NodeId = "n-trust-01";

    [Fact]
    public async Task AKeyInstalledWhileRunning_IsTrustedAtTheNextPush_AndARemovedOneNoLonger()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var dir = new TempDirectory("trust-reload");
        string trust = dir.Combine("trust");
        Directory.CreateDirectory(trust);
        var ops = SigningKeys.CreatePair(dir.Combine("keys"), "ops", overwrite: false);
        var newcomer = SigningKeys.CreatePair(dir.Combine("keys"), "newcomer", overwrite: false);
        File.Copy(ops.PublicKeyPath, Path.Combine(trust, "ops.pem"));
        using var opsKey = SigningKeys.LoadPrivateKey(ops.PrivateKeyPath);
        using var newcomerKey = SigningKeys.LoadPrivateKey(newcomer.PrivateKeyPath);

        string config = dir.Combine("node.json");
        await File.WriteAllTextAsync(config, Config(1, broker.Port, dir.Combine("buffer")));
        var drivers = BuiltInDrivers.Create();
        var loaded = await NodeConfigurationLoader.LoadAsync(config, drivers, CancellationToken.None);
        var buffer = await BufferFactory.OpenAsync(loaded.Configuration.Buffer, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        var runtime = new ConfigRuntime(
            config, loaded, await File.ReadAllBytesAsync(config), buffer, drivers,
            new ConfigApplyOptions { TrustPath = trust, HealthWindow = TimeSpan.FromSeconds(10) },
            null, new EdgeMetrics(), TimeProvider.System, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => runtime.RunAsync(stop.Token));
        await using (runtime)
        {
            await runtime.Started.WaitAsync(TimeSpan.FromSeconds(30));

            // Signed by a key the node does not have yet: refused.
            var answer = await PushAsync(runtime, Config(2, broker.Port, dir.Combine("buffer")), 2, newcomerKey);
            Assert.Equal(ConfigStateMessage.Rejected, answer.State);
            Assert.Contains("unknown key", answer.Reason, StringComparison.Ordinal);

            // The technician installs it (no restart): the same configuration, signed again, is applied.
            File.Copy(newcomer.PublicKeyPath, Path.Combine(trust, "newcomer.pem"));
            answer = await PushAsync(runtime, Config(2, broker.Port, dir.Combine("buffer")), 2, newcomerKey);
            Assert.True(answer.State == ConfigStateMessage.Applied, answer.Reason);
            Assert.Equal(2, runtime.Info.Revision);

            // The key is removed: refused again, while the key still there goes on being trusted.
            File.Delete(Path.Combine(trust, "newcomer.pem"));
            answer = await PushAsync(runtime, Config(3, broker.Port, dir.Combine("buffer")), 3, newcomerKey);
            Assert.Equal(ConfigStateMessage.Rejected, answer.State);
            Assert.Contains("unknown key", answer.Reason, StringComparison.Ordinal);
            answer = await PushAsync(runtime, Config(3, broker.Port, dir.Combine("buffer")), 3, opsKey);
            Assert.True(answer.State == ConfigStateMessage.Applied, answer.Reason);
            Assert.Equal(3, runtime.Info.Revision);

            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Hands a signed push to the runtime and waits for its answer.</summary>
    private static async Task<ConfigStateMessage> PushAsync(ConfigRuntime runtime, string configuration, long revision, System.Security.Cryptography.ECDsa key)
    {
        var before = runtime.LastAnswer;
        var envelope = ConfigSigner.Sign(System.Text.Encoding.UTF8.GetBytes(configuration), NodeId, revision, key, DateTimeOffset.UtcNow);
        Assert.True(runtime.Offer(new ConfigCandidate(JsonSerializer.SerializeToUtf8Bytes(envelope, SigningJsonContext.Default.ConfigEnvelope), ConfigStateMessage.FromPush)));
        await MqttCollector.WaitUntilAsync(() => !ReferenceEquals(runtime.LastAnswer, before), TimeSpan.FromSeconds(60), $"the answer to revision {revision}");
        return runtime.LastAnswer!;
    }

    private static string Config(long revision, int port, string buffer) => $$"""
        {
          "version": 1,
          "revision": {{revision}},
          "node": { "id": "{{NodeId}}", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1", "port": {{port}} },
          "buffer": { "kind": "disk", "path": "{{buffer}}", "maxMegabytes": 16 },
          "sensors": [ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": {{100 + revision}} } ]
        }
        """;
}

using System.Text.Json;
using CityBrain.IntegrationTests.Hub;
using CityBrain.Testing;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Packaging;

/// <summary>
/// The cross-compiled arm64 edge from its package, run under qemu-user (<c>qemu-aarch64-static -L
/// /usr/aarch64-linux-gnu</c>): does it run and behave (speed and memory under qemu are not a Pi's).
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Packaging")]
public class Arm64EdgeTests(DebPackages debs)
{
    private static readonly TimeSpan QemuTimeout = TimeSpan.FromMinutes(2);

    [PackagingFact]
    public async Task Version_PrintsThePackageVersion_Exit0()
    {
        var result = await PackagedEdge.RunAsync(debs.EdgeArm64, QemuTimeout, "--version");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("citybrain-edge " + DebPackages.Version, result.Output.Trim(), StringComparison.Ordinal);
    }

    [PackagingFact]
    public async Task Validate_GoodBadAndUnreadable_Exit0Then1Then2_WithPathValueAndFix()
    {
        using var dir = new TempDirectory("validate-arm64");
        string good = dir.Combine("good.json");
        await File.WriteAllTextAsync(good, PackagedEdge.Config(1883, dir.Combine("buffer")));
        var ok = await PackagedEdge.RunAsync(debs.EdgeArm64, QemuTimeout, "--validate", good);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains($"valid (node {PackagedEdge.NodeId}", ok.Output, StringComparison.Ordinal);

        // A sensor id the schema refuses: the message names the path, the value and the fix.
        string bad = dir.Combine("bad.json");
        await File.WriteAllTextAsync(bad, EdgeNodeHarnessConfigWith("""
            [
              { "id": "Loop 01", "driver": "simulated", "kind": "traffic", "intervalMs": 200 }
            ]
            """, dir));
        var invalid = await PackagedEdge.RunAsync(debs.EdgeArm64, QemuTimeout, "--validate", bad);
        Assert.True(invalid.ExitCode == 1, invalid.ToString());
        Assert.Contains("/sensors/0/id = \"Loop 01\"", invalid.Errors, StringComparison.Ordinal);
        Assert.Contains("Fix:", invalid.Errors, StringComparison.Ordinal);

        var unreadable = await PackagedEdge.RunAsync(debs.EdgeArm64, QemuTimeout, "--validate", dir.Combine("missing.json"));
        Assert.True(unreadable.ExitCode == 2, unreadable.ToString());
        Assert.Contains("cannot read the file", unreadable.Errors, StringComparison.Ordinal);
    }

    [PackagingFact]
    public async Task ShortRun_SimulatedSensors_PublishTelemetryToMosquittoOnLoopback()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var subscriber = await MqttCollector.StartAsync(broker.Host, broker.Port, $"citybrain/v1/+/+/{PackagedEdge.NodeId}/telemetry");
        using var dir = new TempDirectory("edge-arm64");
        string config = await PackagedEdge.WriteConfigAsync(dir, broker.Port);

        await using var edge = PackagedEdge.Start(debs.EdgeArm64, dir, config);
        await Poll.UntilAsync(
            () => edge.HasExited || subscriber.Messages.Count >= 3,
            TimeSpan.FromSeconds(90),
            "the arm64 edge published 3 telemetry messages");
        Assert.False(edge.HasExited, edge.Tail());

        var sensors = new HashSet<string>();
        foreach (var message in subscriber.Messages)
        {
            using var doc = JsonDocument.Parse(message.Payload);
            Assert.Equal(PackagedEdge.NodeId, doc.RootElement.GetProperty("node").GetString());
            foreach (var reading in doc.RootElement.GetProperty("readings").EnumerateArray())
            {
                sensors.Add(reading.GetProperty("sensor").GetString()!);
            }
        }

        Assert.Contains("loop-01", sensors);

        // SIGTERM, as systemd stops it: an orderly stop, exit 0.
        await edge.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(edge.ExitCode == 0, $"exit {edge.ExitCode}: {edge.Tail()}");
    }

    private static string EdgeNodeHarnessConfigWith(string sensors, TempDirectory dir) =>
        CityBrain.IntegrationTests.Edge.EdgeNodeHarness.Config(1883, sensors, dir.Combine("buffer"), "memory", PackagedEdge.NodeId);
}

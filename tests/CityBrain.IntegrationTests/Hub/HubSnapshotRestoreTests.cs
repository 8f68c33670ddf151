using System.Text.Json;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// The real citybrain-hub process started over a damaged health snapshot (issue 14, item 6): it must start, with every
/// node that can be read, move the file aside and count the problems, and start again cleanly after a stop. Before,
/// a node the registry could not apply (here <c>"sensors": [null]</c>) threw out of the snapshot service's start, the
/// host exited non-zero and systemd restarted it into the same file: a crash loop.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubSnapshotRestoreTests
{
    private readonly ITestOutputHelper _output;

    public HubSnapshotRestoreTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task DamagedSnapshot_HubStarts_WithTheReadableNodes_MovesTheFileAside_CountsTheProblems_AndRestartsCleanly()
    {
        await using var broker = await MosquittoServer.StartAsync();
        using var dir = new TempDirectory("hub-snapshot");
        string snapshot = dir.Combine("health-registry.json");
        string[] lines =
        [
            """{"v":2,"savedAt":"2026-06-01T12:00:00+00:00","nodes":[],"alerts":[]}""",
            Node("n-good-1", ""),
            "{\"node\":\"n-torn\",\"district\":\"d\",\"gr", // a line cut short (damaged in the middle of the file)
            Node("n-unrestorable", "\"sensors\":[null],"), // valid JSON the registry cannot apply: threw out of the start before
            "{\"node\":\"" + new string('x', 9 * 1024 * 1024) + "\"}", // longer than HealthSnapshotStore.MaxLineBytes
            Node("n-good-2", ""),
            Node("n-partly-written", "")[..40], // the last line, written partly
        ];
        await File.WriteAllTextAsync(snapshot, string.Join('\n', lines));

        await using var hub = await HubProcess.StartAsync(http => HubConfig.WithHealth(HubConfig.Json(broker.Port, "hub-snapshot", [HubConfig.InfluxV1("http://127.0.0.1:9", "citybrain")], httpPort: http), snapshot));
        var registry = (await hub.StatsAsync()).GetProperty("registry");
        _output.WriteLine($"registry after the start: {registry}");
        Assert.Equal(2, registry.GetProperty("nodes").GetInt32());
        Assert.Equal(4, registry.GetProperty("snapshotProblems").GetInt64()); // torn, unrestorable, overlong, partly written
        string aside = Assert.Single(Directory.GetFiles(dir.Path, "health-registry.json.bad-*"));
        Assert.Equal(string.Join('\n', lines), await File.ReadAllTextAsync(aside));
        Assert.Equal(["n-good-1", "n-good-2"], await NodesAsync(hub));

        // SIGTERM saves what the hub holds; the next start reads it without a problem.
        Assert.Equal(0, await hub.StopAsync());
        await hub.StartProcessAsync();
        registry = (await hub.StatsAsync()).GetProperty("registry");
        Assert.Equal(2, registry.GetProperty("nodes").GetInt32());
        Assert.Equal(0, registry.GetProperty("snapshotProblems").GetInt64());
        Assert.Equal(["n-good-1", "n-good-2"], await NodesAsync(hub));
    }

    private static string Node(string id, string extra) =>
        $$$"""{"node":"{{{id}}}","district":"d","grid":"g",{{{extra}}}"status":"online","state":"online","sequence":{"highestSeq":5,"missing":0,"gaps":0,"duplicates":0,"late":0}}""";

    private static async Task<string[]> NodesAsync(HubProcess hub)
    {
        using var doc = JsonDocument.Parse(await hub.Http.GetStringAsync("api/nodes"));
        var nodes = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("nodes");
        return [.. nodes.EnumerateArray().Select(n => n.GetProperty("node").GetString()!).Order(StringComparer.Ordinal)];
    }
}

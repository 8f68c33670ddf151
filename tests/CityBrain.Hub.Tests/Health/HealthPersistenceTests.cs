using CityBrain.Hub.Health;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Health;

public sealed class HealthPersistenceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("health-snapshot");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly HealthMetrics _metrics = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _dir.Dispose();
    }

    private (HealthRegistry Registry, HealthPersistenceService Service) Hub(string path)
    {
        var options = Options.Create(new HealthRegistryOptions { SnapshotPath = path });
        var registry = new HealthRegistry(options, _time, _metrics);
        return (registry, new HealthPersistenceService(registry, options, _time, NullLogger<HealthPersistenceService>.Instance));
    }

    [Fact]
    public async Task Restart_SavedAtShutdown_RestoresLastKnownStateMarkedRestored()
    {
        string path = _dir.Combine("state", "registry.json");
        var (before, service) = Hub(path);
        await service.StartAsync(CancellationToken.None);
        var node = new NodeMessages("centre", "c4", "node-1", street: "elm-street");
        before.OnStatus(node.Topic("status"), node.Online(_time.GetUtcNow(), ("bin-07", "fill_level", "%", 60_000)), _time.GetUtcNow());
        for (int i = 0; i < 5; i++)
        {
            before.OnTelemetry(node.Topic("telemetry"), node.Telemetry(_time.GetUtcNow(), ("bin-07", "fill_level", 40 + i, "%")), _time.GetUtcNow());
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        before.OnHealth(node.Topic("health"), node.Health(_time.GetUtcNow(), 60, 77), _time.GetUtcNow());
        var expected = before.GetNode("node-1")!;
        await service.StopAsync(CancellationToken.None);
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));

        var (after, restarted) = Hub(path);
        await restarted.StartAsync(CancellationToken.None);
        var restored = after.GetNode("node-1")!;

        Assert.True(restored.Restored);
        Assert.Equal((expected.Street, expected.State, expected.Boot, expected.LastSeen), (restored.Street, restored.State, restored.Boot, restored.LastSeen));
        Assert.Equal(77, restored.Buffer!.Readings);
        Assert.Equal(expected.Sequence, restored.Sequence);
        var q = restored.Sensors.Single().Quantities.Single();
        Assert.Equal(44, q.Value);
        Assert.Equal(expected.Sensors.Single().Quantities.Single().Spark, q.Spark);

        node.Boot = "boot-2";
        after.OnStatus(node.Topic("status"), node.Online(_time.GetUtcNow()), _time.GetUtcNow());
        Assert.False(after.GetNode("node-1")!.Restored);
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Restart_SparklineOfAnHourOfFractionalValues_ComesBackExactlyAndGoesOn()
    {
        string path = _dir.Combine("registry.json");
        var (before, service) = Hub(path);
        await service.StartAsync(CancellationToken.None);
        var node = new NodeMessages("centre", "c4", "node-1");
        before.OnStatus(node.Topic("status"), node.Online(_time.GetUtcNow(), ("baro", "pressure", "hPa", 60_000)), _time.GetUtcNow());
        for (int minute = 0; minute < 75; minute++)
        {
            for (int s = 0; s < 3; s++)
            {
                // Air pressure: a large offset, a small swing, three readings a minute.
                before.OnTelemetry(node.Topic("telemetry"), node.Telemetry(_time.GetUtcNow(), ("baro", "pressure", 1013.25 + (3.7 * Math.Cos(minute / 9.0)) + (0.01 * s), "hPa")), _time.GetUtcNow());
                _time.Advance(TimeSpan.FromSeconds(20));
            }
        }

        var expected = before.GetNode("node-1")!.Sensors.Single().Quantities.Single().Spark;
        await service.StopAsync(CancellationToken.None);

        var (after, restarted) = Hub(path);
        await restarted.StartAsync(CancellationToken.None);
        var restored = after.GetNode("node-1")!.Sensors.Single().Quantities.Single().Spark;

        // The clock is at the start of minute 75, which has no reading yet: minutes 16-74.
        Assert.Equal(59, expected.Count);
        Assert.Equal(expected, restored);
        for (int i = 0; i < expected.Count; i++)
        {
            // Each point within 1/32,768 of the hour's range of the minute's true mean.
            int minute = 16 + i;
            Assert.Equal(1013.25 + (3.7 * Math.Cos(minute / 9.0)) + 0.01, restored[i].V, 7.4 / 32_768);
        }

        // The restored ring goes on: the next minute closes the restored newest one.
        _time.Advance(TimeSpan.FromMinutes(1));
        after.OnTelemetry(node.Topic("telemetry"), node.Telemetry(_time.GetUtcNow(), ("baro", "pressure", 1000, "hPa")), _time.GetUtcNow());
        var next = after.GetNode("node-1")!.Sensors.Single().Quantities.Single().Spark;
        Assert.Equal(1000, next[^1].V);
        Assert.Equal(expected[^1].V, next[^2].V, 20.0 / 32_768);
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_CorruptSnapshot_StartsEmptyWithoutThrowing_MovesItAside_CountsIt()
    {
        string path = _dir.Combine("registry.json");
        await File.WriteAllTextAsync(path, "{ not json");
        var (registry, service) = Hub(path);

        await service.StartAsync(CancellationToken.None);

        Assert.Equal(0, registry.Count);
        Assert.True(registry.SnapshotProblems > 0);
        Assert.Contains("not valid JSON", registry.Statistics().LastSnapshotProblem, StringComparison.Ordinal);
        Assert.Equal("{ not json", await File.ReadAllTextAsync(Assert.Single(MovedAside(path))));
        await service.StopAsync(CancellationToken.None);
        Assert.NotNull(await new HealthSnapshotStore(path).LoadAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("damaged-middle")]
    [InlineData("partly-written")]
    [InlineData("damaged-header")]
    [InlineData("overlong-line")]
    [InlineData("unrestorable-node")]
    public async Task Start_SnapshotWithABadPart_RestoresEveryReadableNode_MovesTheFileAside_CountsTheProblem(string damage)
    {
        string path = _dir.Combine("registry.json");
        var (registry, service) = Hub(path);
        await service.StartAsync(CancellationToken.None);
        foreach (string id in new[] { "node-1", "node-2", "node-3" })
        {
            var n = new NodeMessages("centre", "c4", id);
            registry.OnTelemetry(n.Topic("telemetry"), n.Telemetry(_time.GetUtcNow(), ("air", "pm2_5", 12, "ug/m3")), _time.GetUtcNow());
        }

        await service.StopAsync(CancellationToken.None);
        var lines = File.ReadAllLines(path).ToList();
        int second = lines.FindIndex(l => l.Contains("\"node-2\"", StringComparison.Ordinal));
        string[] expected = ["node-1", "node-3"];
        switch (damage)
        {
            case "damaged-middle":
                lines[second] = lines[second][..(lines[second].Length / 2)] + "\u0000garbage";
                break;
            case "partly-written":
                // The last line cut where a crash (or a full disk) stopped the write.
                expected = [.. lines.Skip(1).SkipLast(1).Select(Node).Order(StringComparer.Ordinal)];
                lines[^1] = lines[^1][..(lines[^1].Length / 2)];
                break;
            case "damaged-header":
                lines[0] = "{\"v\":2,\"savedAt\":";
                expected = ["node-1", "node-2", "node-3"];
                break;
            case "overlong-line":
                lines[second] = "{\"node\":\"" + new string('x', HealthSnapshotStore.MaxLineBytes + 10) + "\"}";
                break;
            case "unrestorable-node":
                lines[second] = lines[second].Replace("\"sensors\":[", "\"sensors\":[null,", StringComparison.Ordinal);
                break;
        }

        await File.WriteAllTextAsync(path, string.Join('\n', lines) + (damage == "partly-written" ? "" : "\n"));
        var (after, restarted) = Hub(path);
        await restarted.StartAsync(CancellationToken.None);

        Assert.Equal(expected, after.GetNodes().Select(n => n.Node).Order(StringComparer.Ordinal));
        Assert.True(after.SnapshotProblems > 0, damage);
        Assert.Single(MovedAside(path));
        Assert.False(File.Exists(path));
        await restarted.StopAsync(CancellationToken.None);
        Assert.Equal(expected.Length, (await new HealthSnapshotStore(path).LoadAsync(CancellationToken.None))!.Nodes.Count());

        static string Node(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("node").GetString()!;
    }

    [Fact]
    public async Task Start_SnapshotWithMoreThanTheRegistryHolds_RestoresUpToTheCaps_CountsTheRest()
    {
        // A snapshot written with larger caps (or edited) cannot make the registry larger than its caps.
        string path = _dir.Combine("registry.json");
        var big = Options.Create(new HealthRegistryOptions { SnapshotPath = path, MaxQuantitiesPerNode = 100, MaxQuantities = 1000 });
        var registry = new HealthRegistry(big, _time, _metrics);
        var service = new HealthPersistenceService(registry, big, _time, NullLogger<HealthPersistenceService>.Instance);
        var n = new NodeMessages("centre", "c4", "node-1");
        registry.OnTelemetry(n.Topic("telemetry"), n.Telemetry(_time.GetUtcNow(), [.. Enumerable.Range(0, 50).Select(i => ($"s-{i}", "temperature", (double)i, "Cel"))]), _time.GetUtcNow());
        await service.StopAsync(CancellationToken.None);

        var small = Options.Create(new HealthRegistryOptions { SnapshotPath = path, MaxQuantitiesPerNode = 20, MaxQuantities = 1000 });
        var after = new HealthRegistry(small, _time, _metrics);
        await new HealthPersistenceService(after, small, _time, NullLogger<HealthPersistenceService>.Instance).StartAsync(CancellationToken.None);

        var view = Assert.Single(after.GetNodes());
        Assert.Equal(20, view.Sensors.Sum(s => s.Quantities.Count));
        Assert.Equal(30, view.RefusedReadings);
        Assert.Equal(RegistryRefusals.NodeLimit, view.RefusedReason);
        Assert.Equal(20, after.Statistics().Quantities);
    }

    private static string[] MovedAside(string path) =>
        Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".bad-*");

    [Fact]
    public async Task Snapshot_IsAHeaderLineThenOneLinePerNode_ReadBackNodeByNode()
    {
        string path = _dir.Combine("registry.json");
        var (registry, service) = Hub(path);
        await service.StartAsync(CancellationToken.None);
        foreach (string id in new[] { "node-1", "node-2", "node-3" })
        {
            var n = new NodeMessages("centre", "c4", id);
            registry.OnTelemetry(n.Topic("telemetry"), n.Telemetry(_time.GetUtcNow(), ("air", "pm2_5", 12, "ug/m3")), _time.GetUtcNow());
        }

        await service.StopAsync(CancellationToken.None);

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("{\"v\":2,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"nodes\":[]", lines[0], StringComparison.Ordinal);
        Assert.Equal(["node-1", "node-2", "node-3"], lines.Skip(1).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("node").GetString()).Order(StringComparer.Ordinal));

        var seen = new List<string>();
        var header = await new HealthSnapshotStore(path).LoadAsync(view => seen.Add(view.Node), CancellationToken.None);
        Assert.NotNull(header);
        Assert.Empty(header.Nodes);
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public async Task Start_SnapshotCorruptAfterTwoNodes_RestoresTheTwoAndStarts()
    {
        // Read node by node: what precedes a damaged line is not lost (and was never all held at once).
        string path = _dir.Combine("registry.json");
        var (registry, service) = Hub(path);
        await service.StartAsync(CancellationToken.None);
        foreach (string id in new[] { "node-1", "node-2" })
        {
            var n = new NodeMessages("centre", "c4", id);
            registry.OnStatus(n.Topic("status"), n.Online(_time.GetUtcNow()), _time.GetUtcNow());
        }

        await service.StopAsync(CancellationToken.None);
        await File.AppendAllTextAsync(path, "{\"node\":\"node-3\",\"district\":\"centre\"\n");

        var (after, restarted) = Hub(path);
        await restarted.StartAsync(CancellationToken.None);

        Assert.Equal(["node-1", "node-2"], after.GetNodes().Select(n => n.Node));
        Assert.All(after.GetNodes(), n => Assert.True(n.Restored));
        await Assert.ThrowsAsync<InvalidDataException>(() => new HealthSnapshotStore(Assert.Single(MovedAside(path))).LoadAsync(CancellationToken.None));
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_Version1Snapshot_SmallIsRestored_LargeIsRefused()
    {
        string small = _dir.Combine("v1.json");
        await File.WriteAllTextAsync(small, "{\"v\":1,\"savedAt\":\"2026-06-01T12:00:00+00:00\",\"nodes\":[{\"node\":\"old-1\",\"district\":\"d\",\"grid\":\"g\",\"status\":\"online\",\"state\":\"online\",\"sequence\":{\"highestSeq\":5,\"missing\":0,\"gaps\":0,\"duplicates\":0,\"late\":0}}],\"alerts\":[]}");
        var (registry, service) = Hub(small);
        await service.StartAsync(CancellationToken.None);
        Assert.Equal("old-1", Assert.Single(registry.GetNodes()).Node);
        await service.StopAsync(CancellationToken.None);

        // A version 1 file is read whole: one above the limit is refused (with what to do), not read into memory.
        string large = _dir.Combine("v1-large.json");
        await File.WriteAllTextAsync(large, "{\"v\":1,\"nodes\":[" + new string(' ', (int)HealthSnapshotStore.MaxVersion1Bytes) + "]}");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new HealthSnapshotStore(large).LoadAsync(CancellationToken.None));
        Assert.Contains("version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeriodicTimer_SavesEverySnapshotInterval()
    {
        string path = _dir.Combine("registry.json");
        var (registry, service) = Hub(path);
        await service.StartAsync(CancellationToken.None);
        var node = new NodeMessages("centre", "c4", "node-9");
        registry.OnStatus(node.Topic("status"), node.Online(_time.GetUtcNow()), _time.GetUtcNow());

        // ExecuteAsync runs in the background (.NET 10): keep ticking the fake clock until the timer has fired.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HealthSnapshotFile? saved = null;
        while (DateTime.UtcNow < deadline && saved is null)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            try
            {
                saved = await new HealthSnapshotStore(path).LoadAsync(CancellationToken.None);
            }
            catch (IOException)
            {
            }

            if (saved is null)
            {
                await Task.Delay(20);
            }
        }

        Assert.NotNull(saved);
        Assert.Equal("node-9", Assert.Single(saved.Nodes).Node);
        await service.StopAsync(CancellationToken.None);
    }
}

using CityBrain.Testing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Every <see cref="HubProcess"/> keeps its state in its own directory: a hub.json that names no snapshot path used to
/// leave the installed default, /var/lib/citybrain-hub/health-registry.json, so one test run's nodes were restored into
/// the next run's hub (and into other tests').
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubProcessStateTests
{
    [Fact]
    public async Task HubJsonWithoutStatePaths_SnapshotGoesToTheProcessDirectory_AndTheNextHubStartsEmpty()
    {
        await using var broker = await MosquittoServer.StartAsync();
        string Json(int http) => HubConfig.Json(broker.Port, "hub-own-state", [HubConfig.InfluxV1("http://127.0.0.1:9", "citybrain")], httpPort: http);

        await using (var first = await HubProcess.StartAsync(Json))
        {
            await using var mqtt = await TestMqtt.ConnectAsync(broker.Port, "own-state-node");
            var node = new NodeMessages("harbour", "g-0417", "n-own-state");
            await mqtt.PublishAsync($"{Topics.Prefix}harbour/g-0417/n-own-state/{Topics.Status}", ContractJson.Serialize(node.Online(DateTimeOffset.UtcNow)));
            await Poll.UntilAsync(
                async () => (await first.StatsAsync()).GetProperty("registry").GetProperty("nodes").GetInt32() == 1,
                TimeSpan.FromSeconds(15),
                "the first hub registered the node",
                first.Tail);
            Assert.Equal(0, await first.StopAsync()); // SIGTERM: the snapshot is saved
            Assert.True(File.Exists(first.DefaultSnapshotPath), $"no snapshot at {first.DefaultSnapshotPath}. {first.Tail()}");
            Assert.Contains("n-own-state", await File.ReadAllTextAsync(first.DefaultSnapshotPath), StringComparison.Ordinal);
        }

        await using var second = await HubProcess.StartAsync(Json);
        Assert.Equal(0, (await second.StatsAsync()).GetProperty("registry").GetProperty("nodes").GetInt32());
    }

    [Fact]
    public void WithOwnState_KeepsPathsTheTestNames_InAnyCase()
    {
        string json = HubProcess.WithOwnState("""{"hub":{"health":{"snapshotPath":""},"Notifications":{"OutboxPath":"/x/outbox"}}}""", "/tmp/d");
        Assert.Contains("\"snapshotPath\":\"\"", json, StringComparison.Ordinal);
        Assert.Contains("\"OutboxPath\":\"/x/outbox\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("/tmp/d", json, StringComparison.Ordinal);
    }
}

using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Issue 15 item 2 through a real Mosquitto and InfluxDB 1.x into a hub started with the example grid registry
/// (deploy/grids.example.json): a node claiming another place than the registry's is rejected with
/// <c>location_mismatch</c> and the reason, counted, never written; what it accepts carries the street and community
/// tags, so a street office can query its own data.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubRegistryTests
{
    private readonly ITestOutputHelper _output;

    public HubRegistryTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task ClaimedLocation_NotTheRegistrys_IsRejectedWithReason_AcceptedPointsCarryStreetAndCommunity()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        string registry = RepoPaths.Combine("deploy", "grids.example.json");
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-registry", [HubConfig.InfluxV1(influx.Url, "citybrain")], registryPath: registry));
        await using var client = await TestMqtt.ConnectAsync(broker.Port, "registry-nodes", listenForDeadLetters: true);
        long ts = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

        var cases = new (string Name, string Topic, byte[] Payload, string ReasonContains)[]
        {
            ("registered node under another grid", "citybrain/v1/harbour/g-0418/n-harbour-01/telemetry",
                TelemetryCodec.Serialize(TestMqtt.Telemetry("n-harbour-01", "pm2_5", 100, 10, ts)), "the grid registry has it in district 'harbour', grid 'g-0417'"),
            ("registered node under another district", "citybrain/v1/old-town/g-0417/n-harbour-01/telemetry",
                TelemetryCodec.Serialize(TestMqtt.Telemetry("n-harbour-01", "pm2_5", 200, 10, ts)), "claims district 'old-town'"),
            ("node the registry does not know", "citybrain/v1/harbour/g-0417/n-stranger/telemetry",
                TelemetryCodec.Serialize(TestMqtt.Telemetry("n-stranger", "pm2_5", 0, 10, ts)), "'n-stranger' is not in the grid registry"),
            ("status naming another street", "citybrain/v1/harbour/g-0418/n-harbour-02/status",
                ContractJson.Serialize(new NodeMessages("harbour", "g-0418", "n-harbour-02", street: "dock-street").Online(DateTimeOffset.UtcNow) with { Location = new LocationInfo("metropolis", "harbour", "dock-street", "g-0418") }, ContractJsonContext.Default.StatusMessage),
                "street 'dock-street'"),
        };

        foreach (var c in cases)
        {
            await client.PublishAsync(c.Topic, c.Payload);
            var letter = await client.WaitForDeadLetterAsync(d => d.Topic == c.Topic && d.Code == ContractViolation.LocationMismatch, c.Name);
            _output.WriteLine($"{c.Name,-40} -> {letter.Code}: {letter.Reason}");
            Assert.Contains(c.ReasonContains, letter.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(cases.Length, hub.Statistics.RejectedByCode[ContractViolation.LocationMismatch]);

        // The registered node at its registered place: written, with its street and community.
        await client.PublishTelemetryAsync("harbour", "g-0417", "n-harbour-01", TestMqtt.Telemetry("n-harbour-01", "pm2_5", 0, 10, ts));
        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", "pm2_5") >= 10, TimeSpan.FromSeconds(15), "the registered node's 10 readings in InfluxDB");
        var street = await influx.QueryAsync("citybrain", """SELECT count("value") FROM "pm2_5" WHERE "street"='quay-road' AND "community"='quay-north' GROUP BY "node", "grid" """);
        var row = Assert.Single(street);
        Assert.Equal(10, row["count"].GetInt64());
        Assert.Equal("n-harbour-01", row["node"].GetString());
        Assert.Equal("g-0417", row["grid"].GetString());

        // Ground truth: 10 readings were sent from the registered place, 30 from elsewhere; only the 10 are stored.
        Assert.Equal(10, await influx.CountAsync("citybrain", "pm2_5"));
        Assert.Empty(await influx.QueryAsync("citybrain", """SELECT count("value") FROM "pm2_5" WHERE "street"='dock-street' OR "node"='n-stranger' """));
    }
}

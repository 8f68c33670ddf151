using System.Text;
using CityBrain.Hub.Health;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;
using CityBrain.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>
/// Issue 14 item 9 through a real Mosquitto into a hub in this process: status and health messages that break the
/// contract (a time beyond the year 9999, a 100,000-character sensor id, ...) are dead-lettered with a reason and never
/// reach the registry, not even half; the node's next good message is applied.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HubNodeMessageTests
{
    private readonly ITestOutputHelper _output;

    public HubNodeMessageTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task BadStatusAndHealth_AreDeadLetteredWithReason_RegistryUntouched_NextGoodMessageApplies()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var influx = await InfluxDb1Server.StartAsync();
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-checks", [HubConfig.InfluxV1(influx.Url, "citybrain")]), health: true);
        await using var client = await TestMqtt.ConnectAsync(broker.Port, "bad-status-node", listenForDeadLetters: true);
        var registry = hub.Services.GetRequiredService<HealthRegistry>();
        var now = DateTimeOffset.UtcNow;
        var node = new NodeMessages("d01", "g01", "n-checked");
        string statusTopic = "citybrain/v1/d01/g01/n-checked/status";
        string healthTopic = "citybrain/v1/d01/g01/n-checked/health";
        byte[] Status(StatusMessage m) => ContractJson.Serialize(m, ContractJsonContext.Default.StatusMessage);
        byte[] Health(HealthMessage m) => ContractJson.Serialize(m, ContractJsonContext.Default.HealthMessage);
        var online = node.Online(now, ("s1", "pm2_5", "ug/m3", 1000));
        var health = node.Health(now, sensors: new SensorHealth { Id = "s1", Status = SensorHealth.Ok, Sampled = 5 });

        var cases = new (string Name, string Topic, byte[] Payload, string Code, string ReasonContains)[]
        {
            ("status ts beyond the year 9999", statusTopic, Status(online with { Timestamp = 253_402_300_800_000 }), ContractViolation.InvalidValue, "$.ts"),
            ("status sensor id of 100,000 characters", statusTopic, Status(online with { Sensors = [new SensorInfo(new string('a', 100_000), "simulated", 1000, [])] }), ContractViolation.InvalidValue, "$.sensors[0].id"),
            ("status unknown reason", statusTopic, Status(node.Offline(now, "gremlins")), ContractViolation.InvalidValue, "$.reason"),
            ("status quantity not snake_case", statusTopic, Status(online with { Sensors = [new SensorInfo("s1", "simulated", 1000, [new QuantityEntry("PM 2.5", "ug/m3")])] }), ContractViolation.InvalidValue, "$.sensors[0].quantities[0].quantity"),
            ("health sensor id of 100,000 characters", healthTopic, Health(health with { Sensors = [new SensorHealth { Id = new string('x', 100_000), Status = SensorHealth.Ok }] }), ContractViolation.InvalidValue, "$.sensors[0].id"),
            ("health reading time beyond 9999", healthTopic, Health(health with { Sensors = [new SensorHealth { Id = "s1", Status = SensorHealth.Ok, LastReadingTs = long.MaxValue }] }), ContractViolation.InvalidValue, "$.sensors[0].lastReadingTs"),
            ("health negative counter", healthTopic, Health(health with { UptimeSeconds = -1 }), ContractViolation.InvalidValue, "$.uptimeS"),
            ("health error text of 100,000 characters", healthTopic, Health(health with { Publish = health.Publish with { LastError = new string('e', 100_000) } }), ContractViolation.InvalidValue, "$.publish.lastError"),
        };

        foreach (var c in cases)
        {
            await client.PublishAsync(c.Topic, c.Payload);
            var letter = await client.WaitForDeadLetterAsync(d => d.Topic == c.Topic && d.Code == c.Code && d.Reason.Contains(c.ReasonContains, StringComparison.Ordinal), c.Name);
            _output.WriteLine($"{c.Name,-42} -> {letter.Code}: {letter.Reason}");
            Assert.True(letter.Reason.Length < 400, $"the reason quotes the attack: {letter.Reason.Length} characters");
            client.DeadLetters.Clear();

            // Never half registered: the node is not there at all.
            Assert.DoesNotContain(registry.GetNodes(sparklines: false), n => n.Node == "n-checked");
        }

        var rejected = hub.Statistics.RejectedByCode;
        Assert.Equal(cases.Length, rejected.Values.Sum());

        // The node's good messages are applied.
        await client.PublishAsync(statusTopic, Status(online));
        await client.PublishAsync(healthTopic, Health(health));
        await Poll.UntilAsync(() => registry.GetNodes(sparklines: false).Any(n => n.Node == "n-checked" && n.State == "online" && n.Publish is not null), TimeSpan.FromSeconds(10), "the good status and health applied");
        var view = Assert.Single(registry.GetNodes(sparklines: false), n => n.Node == "n-checked");
        Assert.Equal("s1", Assert.Single(view.Sensors).Id);
        Assert.Equal(cases.Length, hub.Statistics.RejectedByCode.Values.Sum());
    }
}

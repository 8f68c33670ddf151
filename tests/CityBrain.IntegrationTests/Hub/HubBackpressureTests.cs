using CityBrain.Testing;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Hub;

/// <summary>While the database is down the hub holds at most Receive Maximum messages; the broker keeps the rest.</summary>
[Trait("Category", "Integration")]
public sealed class HubBackpressureTests
{
    private readonly ITestOutputHelper _output;

    public HubBackpressureTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("")]
    [InlineData("max_inflight_messages 5000")]
    public async Task DatabaseDown_HubHoldsAtMostReceiveMaximum_BrokerKeepsTheRest_AllWrittenLater(string brokerConfig)
    {
        await using var broker = await MosquittoServer.StartAsync(brokerConfig);
        await using var influx = await InfluxDb1Server.StartAsync();
        await influx.CreateDatabaseAsync("citybrain");
        await influx.StopAsync();
        await using var hub = await InProcessHub.StartAsync(HubConfig.Json(broker.Port, "hub-bp", [HubConfig.InfluxV1(influx.Url, "citybrain")],
            receiveMaximum: 30, queueCapacity: 5, maxLines: 20));
        await using var node = await TestMqtt.ConnectAsync(broker.Port, "bp-node");
        long baseTs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        const int Messages = 300;
        for (int i = 0; i < Messages; i++)
        {
            await node.PublishTelemetryAsync("d01", "g01", "bp-1", TestMqtt.Telemetry("bp-1", "bp_q", i * 2L, 2, baseTs));
        }

        await Poll.UntilAsync(() => hub.Statistics.Unacknowledged >= 30, TimeSpan.FromSeconds(10), "the hub holds a full window");
        var held = hub.Statistics;
        _output.WriteLine($"DB down: hub holds {held.Unacknowledged} unacknowledged (peak {held.UnacknowledgedPeak}), queue {held.QueueDepth}; published {Messages}");
        Assert.True(held.UnacknowledgedPeak <= 30, $"the hub held {held.UnacknowledgedPeak} messages, more than Receive Maximum 30");

        await influx.StartProcessAsync();
        await Poll.UntilAsync(async () => await influx.CountAsync("citybrain", "bp_q") == Messages * 2, TimeSpan.FromSeconds(30), "every reading is written after the database is back");
        _output.WriteLine($"after recovery: {hub.Statistics.MessagesWritten} messages written, peak unacknowledged {hub.Statistics.UnacknowledgedPeak}");
    }
}

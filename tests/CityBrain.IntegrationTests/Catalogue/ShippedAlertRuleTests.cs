using System.Net;
using CityBrain.Drivers.Modbus;
using CityBrain.Drivers.Simulated;
using CityBrain.Hub.Alerts;
using CityBrain.Modbus;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using CityBrain.Testing.Hub;

namespace CityBrain.IntegrationTests.Catalogue;

/// <summary>
/// Every rule shipped in deploy/hub.example.json fires for the shipped devices: the Modbus simulator serving a
/// shipped template (read by the real Modbus driver over TCP loopback) or the simulated driver produces the
/// readings, the real codec carries them, the hub's registry and alert engine (fake clock) judge them. A threshold
/// rule first sees the device's normal values (no alert), then the device reports the event (a technician's poke
/// into the simulator's registers, or the simulated day reaching it).
/// </summary>
public sealed class ShippedAlertRuleTests
{
    // 23:00 in Berlin (the shipped rules' time zone), inside noise-night's 22:00-06:00 window.
    private static readonly DateTimeOffset Night = new(2026, 6, 3, 21, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(30);

    private static readonly NodeTopic Topic = new("harbour", "g-0417", "n-harbour-01", Topics.Telemetry);

    [Theory]
    [InlineData("bin-full", "bin-level-ub40", "bin-07", "fill_level", 96.0)]
    [InlineData("flood-mark", "flood-level-fl10", "flood-1", "water_level", 2.8)]
    [InlineData("pm25-limit", "air-quality-pm2510", "air-1", "pm2_5", 88.5)]
    [InlineData("noise-night", "noise-meter-nm30", "noise-1", "noise_laeq", 63.4)]
    [InlineData("traffic-congestion", "traffic-loop-controller-tc8", "loop-1-lane1", "occupancy_lane_1", 82.0)]
    public async Task ThresholdRule_FiresForTheShippedModbusDevice(string rule, string templateName, string sensor, string point, double eventValue)
    {
        using var hub = new ShippedRulesHub(Night);
        var shipped = (ThresholdRule)hub.Engine.Rules.Single(r => r.Id == rule);
        var template = await TemplateLoader.LoadFileAsync(RepoPaths.Combine("firmware-config", "templates", $"{templateName}.json"), CancellationToken.None);
        var vector = await TemplateVector.LoadFileAsync(RepoPaths.Combine("firmware-config", "templates", $"{templateName}.vector.json"), CancellationToken.None);
        var device = new SimulatedDevice(template, vector, timeProvider: hub.Time);
        await using var simulator = new ModbusSimulator();
        simulator.AddDevice(template.DefaultUnitId, device);
        var endpoint = simulator.StartTcp(new IPEndPoint(IPAddress.Loopback, 0));
        await using var bus = new ModbusBus("rs485-1", ModbusClient.CreateTcp("127.0.0.1", endpoint.Port, new ModbusClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) }));
        string lane = point.Contains("_lane_", StringComparison.Ordinal) ? point[point.IndexOf("_lane_", StringComparison.Ordinal)..] : "";
        var options = new ModbusDeviceOptions
        {
            SensorId = sensor,
            BusId = bus.Id,
            Template = template.Name,
            Points = lane.Length == 0 ? null : [.. template.Points.Where(p => p.IsMeasurement && p.Name.EndsWith(lane, StringComparison.Ordinal)).Select(p => p.Name)],
        };
        await using var driver = new ModbusDeviceDriver(options, template, bus, timeProvider: hub.Time);
        var target = template.FindPoint(point)!;
        Assert.Equal(shipped.Quantity, target.Quantity);

        // A quiet spell (the device's register below the rule's clear level) for longer than the rule's duration: nothing.
        Poke(device, target, shipped.ClearLevel * 0.8);
        await PollForAsync(hub, driver, shipped.For + (2 * Poll));
        Assert.Null(hub.Active(rule));

        // The event: the device's register now holds the value.
        Poke(device, target, eventValue);
        await PollForAsync(hub, driver, shipped.For + (2 * Poll));

        var alert = hub.Active(rule);
        Assert.NotNull(alert);
        Assert.Equal((sensor, shipped.Quantity, Topic.Node), (alert.Sensor, alert.Quantity, alert.Node));
        Assert.Equal(eventValue, alert.Value!.Value, 6);
        Assert.Equal(target.Unit, alert.Unit);
    }

    [Fact]
    public void TrafficCongestion_FiresForTheSimulatedLoopAtRushHour()
    {
        var day = new DateTimeOffset(2026, 6, 3, 0, 0, 0, TimeSpan.Zero);
        using var hub = new ShippedRulesHub(day);
        var driver = new SimulatedSensorDriver(new SimulatedSensorOptions("loop-2-lane1", SimulatedSensorKind.Traffic, Seed: 7), hub.Time);
        Alert? first = null;
        while (first is null && hub.Now < day.AddDays(1))
        {
            PollOnce(hub, driver);
            first = hub.Active("traffic-congestion");
        }

        Assert.NotNull(first);
        Assert.Equal(("loop-2-lane1", "occupancy"), (first.Sensor, first.Quantity));
        Assert.InRange(first.RaisedAt.UtcDateTime.Hour, 6, 20);
        Assert.True(first.Value > 55, $"active at {first.Value}");
    }

    [Fact]
    public void BinFull_FiresForTheSimulatedBinBeforeItIsEmptied()
    {
        var start = new DateTimeOffset(2026, 6, 3, 0, 0, 0, TimeSpan.Zero);
        using var hub = new ShippedRulesHub(start);
        var driver = new SimulatedSensorDriver(new SimulatedSensorOptions("bin-11", SimulatedSensorKind.Bin, Seed: 3), hub.Time);
        Alert? first = null;
        while (first is null && hub.Now < start.AddDays(5))
        {
            PollOnce(hub, driver, TimeSpan.FromMinutes(1));
            first = hub.Active("bin-full");
        }

        Assert.NotNull(first);
        Assert.Equal(("bin-11", "fill_level", "%"), (first.Sensor, first.Quantity, first.Unit));
        Assert.True(first.Value > 90, $"raised at {first.Value}");
    }

    [Fact]
    public void SensorStale_FiresWhenOneSimulatedSensorOfALiveNodeGoesSilent()
    {
        using var hub = new ShippedRulesHub(Night);
        var node = new NodeMessages(Topic.District, Topic.Grid, Topic.Node);
        var bin = new SimulatedSensorDriver(new SimulatedSensorOptions("bin-07", SimulatedSensorKind.Bin), hub.Time);
        var water = new SimulatedSensorDriver(new SimulatedSensorOptions("flood-1", SimulatedSensorKind.Water), hub.Time);
        hub.Observer.OnStatus(Topic with { Kind = Topics.Status }, node.Online(hub.Now, [.. Declared(bin, 30_000), .. Declared(water, 30_000)]), hub.Now);
        for (int i = 0; i < 10; i++)
        {
            PollOnce(hub, bin, advance: TimeSpan.Zero);
            PollOnce(hub, water);
            hub.Observer.OnHealth(Topic with { Kind = Topics.Health }, node.Health(hub.Now, intervalS: 30), hub.Now);
        }

        Assert.Null(hub.Active("sensor-stale"));

        // The bin's sensor dies; the node and its flood sensor go on.
        for (int i = 0; i < 12; i++)
        {
            PollOnce(hub, water);
            hub.Observer.OnHealth(Topic with { Kind = Topics.Health }, node.Health(hub.Now, intervalS: 30), hub.Now);
        }

        var alert = hub.Active("sensor-stale");
        Assert.NotNull(alert);
        Assert.Equal("bin-07", alert.Sensor);
    }

    [Fact]
    public void NodeOffline_FiresWhenTheSimulatedNodesConnectionIsLost()
    {
        using var hub = new ShippedRulesHub(Night);
        var node = new NodeMessages(Topic.District, Topic.Grid, Topic.Node);
        var water = new SimulatedSensorDriver(new SimulatedSensorOptions("flood-1", SimulatedSensorKind.Water), hub.Time);
        var connected = hub.Now;
        hub.Observer.OnStatus(Topic with { Kind = Topics.Status }, node.Online(hub.Now, Declared(water, 30_000)), hub.Now);
        PollOnce(hub, water);
        Assert.Null(hub.Active("node-offline"));

        hub.Observer.OnStatus(Topic with { Kind = Topics.Status }, node.Offline(connected), hub.Now); // the broker publishes the Will
        hub.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(hub.Active("node-offline"));
        hub.Advance(TimeSpan.FromMinutes(1) + Poll);

        Assert.Equal(Topic.Node, hub.Active("node-offline")?.Node);
    }

    [Fact]
    public async Task DataGap_FiresWhenReadingsOfTheSimulatedNodeAreLost()
    {
        using var hub = new ShippedRulesHub(Night);
        var water = new SimulatedSensorDriver(new SimulatedSensorOptions("flood-1", SimulatedSensorKind.Water), hub.Time);
        for (int i = 0; i < 5; i++)
        {
            PollOnce(hub, water);
        }

        Assert.Null(hub.Active("data-gap"));

        // Three polls' readings never arrive (lost on the node), the next ones do.
        var lost = new ReadingList();
        await water.PollAsync(lost, CancellationToken.None);
        PollOnce(hub, water, lost: 3 * lost.Readings.Count);

        Assert.Equal(Topic.Node, hub.Active("data-gap")?.Node);
    }

    [Fact]
    public void ShippedRuleSets_InTheDeployExampleAndTheServiceExample_AreTheSame()
    {
        var deploy = ShippedRulesHub.ShippedAlertOptions().Rules;
        var service = ShippedRulesHub.ShippedAlertOptions("hub/CityBrain.Hub.Service/alerts.example.json").Rules;
        Assert.Equal(deploy.Select(Describe), service.Select(Describe));
        Assert.Equal(8, deploy.Count);
    }

    private static string Describe(AlertRuleOptions r) => $"{r.Id} {r.Kind} {r.Quantity} {r.Above} {r.Below} {r.Clear} {r.For} {r.Window} {r.After} {r.Hold}";

    private static (string Sensor, string Quantity, string Unit, long IntervalMs)[] Declared(ISensorDriver driver, long intervalMs) =>
        [.. driver.Quantities.Select(q => (driver.SensorId, q.Quantity, q.Unit, intervalMs))];

    /// <summary>Writes an engineering value into the simulated device's registers, as a technician's poke would.</summary>
    private static void Poke(SimulatedDevice device, TemplatePoint point, double value)
    {
        var registers = new ushort[point.ItemCount];
        point.Encode(value, registers);
        device.Bank.SetRegisters(point.Table, point.Address, registers);
    }

    private static async Task PollForAsync(ShippedRulesHub hub, ISensorDriver driver, TimeSpan duration)
    {
        for (var end = hub.Now + duration; hub.Now < end;)
        {
            var poll = new ReadingList();
            await driver.PollAsync(poll, CancellationToken.None);
            Assert.Empty(poll.Faults);
            hub.Deliver(Topic, poll.Readings);
            hub.Advance(Poll);
        }
    }

    private static void PollOnce(ShippedRulesHub hub, ISensorDriver driver, TimeSpan? advance = null, long lost = 0)
    {
        var poll = new ReadingList();
        driver.PollAsync(poll, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        hub.Deliver(Topic, poll.Readings, lost);
        if (advance != TimeSpan.Zero)
        {
            hub.Advance(advance ?? Poll);
        }
    }
}

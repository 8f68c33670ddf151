using System.Device.Gpio;
using System.Text.Json;
using CityBrain.Drivers.Gpio;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Gpio;
using CityBrain.Testing.Mqtt;
using CityBrain.Testing.Servers;
using Xunit.Abstractions;

namespace CityBrain.IntegrationTests.Edge;

/// <summary>
/// GPIO sensors in a running edge node against a real Mosquitto: the node's hardware context gets a fake chip (the
/// <see cref="FakeGpioDriver"/> behind a real <c>GpioController</c>), as a host registers hardware before the drivers.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GpioEdgeTests
{
    private const int LidPin = 5;
    private const int CountPin = 24;

    private const string Sensors = """
        [
          { "id": "bin-07-lid", "driver": "gpio", "mode": "bin-lid", "pin": 5, "intervalMs": 60000 },
          { "id": "bike-01", "driver": "gpio", "mode": "counter", "pin": 24, "debounceMs": 0, "intervalMs": 1000 }
        ]
        """;

    private readonly ITestOutputHelper _output;

    public GpioEdgeTests(ITestOutputHelper output) => _output = output;

    private static Action<Sensing.Hardware.HardwareContext> With(FakeGpioDriver chip) =>
        hardware => GpioHardware.Register(hardware, new GpioChipHandle(new GpioController(chip), "gpiochip0 \"fake\"", "FakeGpioDriver"));

    private static void Pulses(FakeGpioDriver chip, int count)
    {
        for (int i = 0; i < count; i++)
        {
            chip.Set(CountPin, PinValue.Low);
            chip.Set(CountPin, PinValue.High);
        }
    }

    private static List<(long Seq, double Value)> Readings(MqttCollector sub, string sensor, string quantity) =>
        [.. TelemetryLedger.From(sub.OnTopicEndingWith("/telemetry")).BySeq
            .Where(kv => kv.Value.Sensor == sensor && kv.Value.Quantity == quantity)
            .OrderBy(kv => kv.Key)
            .Select(kv => (kv.Key, kv.Value.Value))];

    [Fact]
    public async Task LidEdge_ReachesTheBrokerAtOnce_NotAtTheNextPoll()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/#");
        var chip = new FakeGpioDriver();
        chip.SetInitial(LidPin, PinValue.Low); // lid shut
        await using var edge = await EdgeNodeHarness.StartAsync(path => EdgeNodeHarness.Config(broker.Port, Sensors, path), configureHardware: With(chip));

        await MqttCollector.WaitUntilAsync(() => Readings(sub, "bin-07-lid", "lid_open").Count > 0, TimeSpan.FromSeconds(20), "the lid's first heartbeat");
        Assert.Equal(0, Readings(sub, "bin-07-lid", "lid_open")[0].Value);

        var edgeAt = DateTimeOffset.UtcNow;
        chip.Set(LidPin, PinValue.High);
        await MqttCollector.WaitUntilAsync(() => Readings(sub, "bin-07-lid", "lid_open").Any(r => r.Value == 1), TimeSpan.FromSeconds(10), "lid_open = 1");

        // The heartbeat is once a minute: the change came by the event path.
        var arrived = sub.OnTopicEndingWith("/telemetry").First(m => m.Text.Contains("\"lid_open\"", StringComparison.Ordinal) && m.Text.Contains("\"value\":1", StringComparison.Ordinal));
        var latency = arrived.ReceivedAt - edgeAt;
        _output.WriteLine($"lid edge to subscriber: {latency.TotalMilliseconds:0.0} ms (50 ms of it debounce; batch delay 20 ms)");
        Assert.True(latency < TimeSpan.FromSeconds(5), $"took {latency}");

        await MqttCollector.WaitUntilAsync(() => sub.OnTopicEndingWith("/health").Any(m => m.Text.Contains("\"last_edge\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "health with the GPIO detail");
        var health = JsonSerializer.Deserialize<HealthMessage>(sub.OnTopicEndingWith("/health")[^1].Payload, ContractJson.Options)!;
        var lid = health.Sensors.Single(s => s.Id == "bin-07-lid");
        Assert.Equal("gpiochip0 \"fake\"", lid.Detail!["chip"]);
        Assert.Equal("FakeGpioDriver", lid.Detail["driver"]);
        Assert.NotEqual("never", lid.Detail["last_edge"]);
    }

    [Fact]
    public async Task Restart_KeepsTheCount_NothingCountedTwiceNothingDropped_AndHealthShowsTheDowntime()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var sub = await MqttCollector.StartAsync(broker.Host, broker.Port, "citybrain/#");
        using var dir = new TempDirectory("edge-gpio");
        string Config(string path) => EdgeNodeHarness.Config(broker.Port, Sensors, path, bufferKind: "disk");

        // First process: 5 pulses reported, 3 more counted but not yet reported when it stops.
        var chip1 = new FakeGpioDriver();
        var first = await EdgeNodeHarness.StartAsync(Config, configureHardware: With(chip1), directory: dir.Path);
        Pulses(chip1, 5);
        await MqttCollector.WaitUntilAsync(() => Readings(sub, "bike-01", "pulse_total").Any(r => r.Value == 5), TimeSpan.FromSeconds(20), "pulse_total 5");
        Pulses(chip1, 3);
        await first.DisposeAsync();

        // Second process over the same folder, with a new chip: 2 pulses.
        var chip2 = new FakeGpioDriver();
        await using var second = await EdgeNodeHarness.StartAsync(Config, configureHardware: With(chip2), directory: dir.Path);
        Pulses(chip2, 2);
        await MqttCollector.WaitUntilAsync(() => Readings(sub, "bike-01", "pulse_total").Any(r => r.Value == 10), TimeSpan.FromSeconds(20), "pulse_total 10");
        await MqttCollector.WaitUntilAsync(() => sub.OnTopicEndingWith("/health").Any(m => m.Text.Contains("\"previous_stop\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "health of the second process");

        // Ground truth: the pulses the chips raised.
        long raised = (chip1.EdgesRaised + chip2.EdgesRaised) / 2;
        var counts = Readings(sub, "bike-01", "pulse_count");
        var totals = Readings(sub, "bike-01", "pulse_total");
        _output.WriteLine($"raised {raised}; pulse_count {string.Join(",", counts.Select(c => c.Value))}; pulse_total {string.Join(",", totals.Select(t => t.Value))}");
        Assert.Equal(10, raised);
        Assert.Equal(raised, counts.Sum(c => c.Value));
        for (int i = 1; i < totals.Count; i++)
        {
            Assert.True(totals[i].Value >= totals[i - 1].Value, $"pulse_total dropped from {totals[i - 1].Value} to {totals[i].Value}");
        }

        var health = sub.OnTopicEndingWith("/health").Select(m => JsonSerializer.Deserialize<HealthMessage>(m.Payload, ContractJson.Options)!).Last(h => h.Sensors.Any(s => s.Detail?.ContainsKey("previous_stop") == true));
        var detail = health.Sensors.Single(s => s.Id == "bike-01").Detail!;
        Assert.StartsWith("clean", detail["previous_stop"], StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(detail["down_since"], System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);
        Assert.Equal("persisted", detail["state"]);
    }
}

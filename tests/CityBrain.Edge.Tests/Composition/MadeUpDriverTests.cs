using CityBrain.Edge.Composition;
using CityBrain.Edge.Tests.Composition.MadeUpDriver;
using CityBrain.Provisioning.NodeConfig;
using CityBrain.Sensing;
using CityBrain.Sensing.Configuration;
using CityBrain.Sensing.Drivers;
using CityBrain.Sensing.Hardware;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Composition;

/// <summary>
/// Adding a driver is its own files plus one registration: the made-up <c>echo</c> driver (folder MadeUpDriver/) is
/// registered with one <see cref="DriverRegistry.Add"/>, and the node's schema, checks and composition follow.
/// </summary>
public sealed class MadeUpDriverTests
{
    private static DriverRegistry Registry() => BuiltInDrivers.Create().Add(new EchoDriverDefinition());

    private static string Config(string sensors) => $$"""
        {
          "version": 1,
          "node": { "id": "n-01", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
          "mqtt": { "host": "127.0.0.1" },
          "buffer": { "kind": "memory" },
          "sensors": {{sensors}}
        }
        """;

    [Fact]
    public async Task RegisteredDriver_IsLoadedBuiltAndPolled()
    {
        var drivers = Registry();
        var loaded = NodeConfigurationLoader.Parse(
            Config("""[ { "id": "e-1", "driver": "echo", "intervalMs": 1000, "quantity": "water_level", "value": 1.25, "unit": "m" }, { "id": "b-1", "driver": "simulated", "kind": "bin", "intervalMs": 1000 } ]"""),
            "node.json",
            drivers);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

        await using var components = await NodeComponents.BuildAsync(loaded, drivers, new HardwareContext(time), CancellationToken.None);

        var echo = Assert.IsType<EchoDriver>(components.Drivers[0]);
        var collected = new Collector();
        await echo.PollAsync(collected, CancellationToken.None);
        var reading = Assert.Single(collected.Readings);
        Assert.Equal(("e-1", "water_level", 1.25, "m"), (reading.Sensor, reading.Quantity, reading.Value, reading.Unit));
        Assert.Equal(time.GetUtcNow(), reading.Timestamp);
    }

    [Fact]
    public void UnregisteredDriver_IsRefused_AndRegisteringItIsAllItTakes()
    {
        string json = Config("""[ { "id": "e-1", "driver": "echo", "intervalMs": 1000, "quantity": "water_level", "value": 1 } ]""");
        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", BuiltInDrivers.Create()));
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/0/driver");

        Assert.Single(NodeConfigurationLoader.Parse(json, "node.json", Registry()).Sensors);
    }

    [Fact]
    public void DriversOwnChecks_ReportPathValueAndFix_AllAtOnce()
    {
        string json = Config("""
            [ { "id": "e-1", "driver": "echo", "intervalMs": 1000, "quantity": "water_level", "value": -1 },
              { "id": "e-2", "driver": "echo", "intervalMs": 1000, "quantity": "rain_rate", "value": 2 },
              { "id": "e-3", "driver": "echo", "intervalMs": 1000, "quantity": "rain_rate", "value": 3 },
              { "id": "e-4", "driver": "echo", "intervalMs": 1000, "quantity": "x", "value": 3, "colour": "red" } ]
            """);

        var ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json, "node.json", Registry()));

        // The schema step (its fragment refuses an unknown field) stops before the drivers' checks run.
        var unknown = Assert.Single(ex.Errors);
        Assert.Equal("/sensors/3/colour", unknown.Path);

        ex = Assert.Throws<ConfigurationException>(() => NodeConfigurationLoader.Parse(json.Replace(", \"colour\": \"red\"", "", StringComparison.Ordinal), "node.json", Registry()));
        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/0/value" && e.Value == "-1" && e.Fix.Contains("0 or more", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Path == "/sensors/2/quantity" && e.Value == "\"rain_rate\"");
    }

    private sealed class Collector : IReadingCollector
    {
        public List<Reading> Readings { get; } = [];

        public void Add(in Reading reading) => Readings.Add(reading);

        public void AddFault(SensorFault fault) => throw new InvalidOperationException(fault.Message);
    }
}

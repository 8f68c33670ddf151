using System.Diagnostics.Metrics;
using CityBrain.Hub.Health;
using CityBrain.Testing.Hub;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Health;

/// <summary>
/// The registry's caps (issue 14, item 6): one node cannot take the hub's heap (sensor-quantities per node) and the
/// city cannot either (sensor-quantities in all). What is beyond a cap is not tracked, counted with its reason in the
/// node's view, in <see cref="HealthRegistry.Statistics"/> and in <c>citybrain.hub.registry.refused</c>.
/// </summary>
public sealed class RegistryCapTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HealthMetrics _metrics = new();
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _refusedMetric = new(StringComparer.Ordinal);

    public RegistryCapTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter) && instrument.Name == "citybrain.hub.registry.refused")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _refusedMetric[(string)tag.Value!] = _refusedMetric.GetValueOrDefault((string)tag.Value!) + value;
                }
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private HealthRegistry Registry(int perNode, int total, int sensors = 256) =>
        new(Options.Create(new HealthRegistryOptions { MaxQuantitiesPerNode = perNode, MaxQuantities = total, MaxSensorsPerNode = sensors }), _time, _metrics);

    private void Send(HealthRegistry registry, NodeMessages node, int sensors, int quantities) =>
        registry.OnTelemetry(node.Topic("telemetry"), node.Telemetry(Now, [.. Readings(sensors, quantities)]), Now);

    private static IEnumerable<(string, string, double, string)> Readings(int sensors, int quantities) =>
        from s in Enumerable.Range(0, sensors)
        from q in Enumerable.Range(0, quantities)
        select ($"s-{s:D3}", $"q_{q:D3}", (double)q, "1");

    [Fact]
    public void OneNode_256SensorsX256Quantities_HoldsOnlyItsCap_TheRestCountedWithTheReason_OtherNodesUnaffected()
    {
        // The case: 65,536 sensor-quantities from one node (about 23 MB) with the default caps.
        var registry = new HealthRegistry(Options.Create(new HealthRegistryOptions()), _time, _metrics);
        var greedy = new NodeMessages("centre", "c4", "greedy");
        Send(registry, greedy, 256, 256);
        Send(registry, greedy, 256, 256);

        var view = registry.GetNode("greedy")!;
        int perNode = new HealthRegistryOptions().MaxQuantitiesPerNode;
        Assert.Equal(perNode, view.Sensors.Sum(s => s.Quantities.Count));
        Assert.Equal(2 * ((256 * 256) - perNode), view.RefusedReadings);
        Assert.Equal(RegistryRefusals.NodeLimit, view.RefusedReason);

        var modest = new NodeMessages("centre", "c4", "modest");
        Send(registry, modest, 10, 3);
        var other = registry.GetNode("modest")!;
        Assert.Equal(30, other.Sensors.Sum(s => s.Quantities.Count));
        Assert.Equal(0, other.RefusedReadings);
        Assert.Null(other.RefusedReason);

        var stats = registry.Statistics();
        Assert.Equal(perNode + 30, stats.Quantities);
        Assert.Equal(view.RefusedReadings, stats.RefusedByReason[RegistryRefusals.NodeLimit]);
        Assert.Equal(view.RefusedReadings, _refusedMetric[RegistryRefusals.NodeLimit]);
    }

    [Fact]
    public void WholeRegistry_AtItsCap_RefusesNewQuantities_RegistryFull_AndAForgottenNodeGivesItsShareBack()
    {
        var registry = Registry(perNode: 6, total: 10);
        var a = new NodeMessages("centre", "c4", "node-a");
        var b = new NodeMessages("centre", "c4", "node-b");
        Send(registry, a, 3, 2); // 6
        Send(registry, b, 3, 2); // 4 of 6 fit

        var viewB = registry.GetNode("node-b")!;
        Assert.Equal(4, viewB.Sensors.Sum(s => s.Quantities.Count));
        Assert.Equal((2L, RegistryRefusals.RegistryFull), (viewB.RefusedReadings, viewB.RefusedReason));
        Assert.Equal(10, registry.Statistics().Quantities);
        Assert.Equal(2, _refusedMetric[RegistryRefusals.RegistryFull]);

        // node-a decommissioned (its retained status cleared): its 6 come back, node-b's next message is tracked whole.
        registry.OnStatus(a.Topic("status"), null, Now);
        Assert.Equal(4, registry.Statistics().Quantities);
        Send(registry, b, 3, 2);
        Assert.Equal(6, registry.GetNode("node-b")!.Sensors.Sum(s => s.Quantities.Count));
        Assert.Equal(6, registry.Statistics().Quantities);
    }

    [Fact]
    public void RegistryOptions_CapsAreValidatedAtLoad_WithFieldValueAndFix()
    {
        var validator = new HealthRegistryOptionsValidator();
        var result = validator.Validate(null, new HealthRegistryOptions { MaxQuantities = 0, MaxQuantitiesPerNode = 5 });
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Hub:Health:MaxQuantities is 0;", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Hub:Health:MaxQuantitiesPerNode is 5; use a number between 1 and MaxQuantities (0)", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new HealthRegistryOptions()).Succeeded);
    }
}

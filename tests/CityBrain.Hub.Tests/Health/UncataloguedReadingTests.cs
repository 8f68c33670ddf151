using System.Diagnostics.Metrics;
using CityBrain.Hub.Health;
using CityBrain.Hub.Tests.Alerts;
using CityBrain.Testing.Hub;

namespace CityBrain.Hub.Tests.Health;

/// <summary>A reading the catalogue does not know is kept and flagged, never silent: counted by reason and marked in the node's view.</summary>
public sealed class UncataloguedReadingTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Telemetry_UnknownQuantityAndForeignUnit_AreFlaggedInTheViewAndCountedByReason()
    {
        using var h = new AlertHarness(Start);
        var counted = new List<(long Value, string? Reason)>();
        using var listener = Listen(h, counted);
        var node = new NodeMessages("centre", "c4", "node-1");

        h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now,
            ("env-1", "air_temperature", 21.5, "degC"),
            ("env-2", "air_temperature", 21.7, "°C"),
            ("env-2", "sound_level_laeq", 61.2, "dB(A)"),
            ("env-1", "pm2_5_mean", 12, "ug/m3")), h.Now);
        h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("env-2", "sound_level_laeq", 60.9, "dB(A)")), h.Now);

        var view = h.Registry.GetNode("node-1")!;
        var env1 = view.Sensors.Single(s => s.Id == "env-1").Quantities;
        var env2 = view.Sensors.Single(s => s.Id == "env-2").Quantities;
        Assert.All(env1, q => Assert.Null(q.Catalogue));
        var celsius = env2.Single(q => q.Quantity == "air_temperature");
        Assert.Equal((UncataloguedReasons.UnitMismatch, "degC"), (celsius.Catalogue, celsius.CatalogueUnit));
        Assert.Equal(21.7, celsius.Value);
        Assert.Equal(UncataloguedReasons.UnknownQuantity, env2.Single(q => q.Quantity == "sound_level_laeq").Catalogue);
        Assert.Equal(1, counted.Where(c => c.Reason == UncataloguedReasons.UnitMismatch).Sum(c => c.Value));
        Assert.Equal(2, counted.Where(c => c.Reason == UncataloguedReasons.UnknownQuantity).Sum(c => c.Value));
    }

    [Fact]
    public void Telemetry_UnitCorrected_ClearsTheFlag()
    {
        using var h = new AlertHarness(Start);
        var counted = new List<(long Value, string? Reason)>();
        using var listener = Listen(h, counted);
        var node = new NodeMessages("centre", "c4", "node-1");

        h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("env-2", "air_temperature", 21.7, "°C")), h.Now);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Observer.OnTelemetry(node.Topic("telemetry"), node.Telemetry(h.Now, ("env-2", "air_temperature", 21.8, "degC")), h.Now);

        var q = h.Registry.GetNode("node-1")!.Sensors.Single().Quantities.Single();
        Assert.Null(q.Catalogue);
        Assert.Equal("degC", q.Unit);
        Assert.Equal([(1L, UncataloguedReasons.UnitMismatch)], counted);
    }

    private static MeterListener Listen(AlertHarness h, List<(long Value, string? Reason)> counted)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == h.Metrics.Meter && instrument.Name == "citybrain.hub.readings.uncatalogued")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            string? reason = null;
            foreach (var t in tags)
            {
                reason = t.Key == "reason" ? t.Value as string : reason;
            }

            counted.Add((v, reason));
        });
        listener.Start();
        return listener;
    }
}

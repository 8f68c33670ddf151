using System.Diagnostics.Metrics;
using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Tests.Alerts;
using CityBrain.Testing.Hub;

namespace CityBrain.Hub.Tests.Health;

public sealed class HealthMetricsTests
{
    [Fact]
    public void Meter_CountsNodesByStatusAndAlertsRaisedAndCleared()
    {
        using var h = new AlertHarness(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero), rules: new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline });
        var measurements = new List<(string Instrument, long Value, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == h.Metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, Tag(tags, "rule"))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Add((i.Name, v, Tag(tags, "status"))));
        listener.Start();
        var a = new NodeMessages("centre", "c4", "a");
        var b = new NodeMessages("centre", "c4", "b");
        h.Observer.OnStatus(a.Topic("status"), a.Online(h.Now), h.Now);
        h.Observer.OnHealth(a.Topic("health"), a.Health(h.Now), h.Now);
        h.Observer.OnStatus(b.Topic("status"), b.Offline(h.Now), h.Now);
        h.Observer.OnStatus(b.Topic("status"), b.Online(h.Now), h.Now);
        h.Observer.OnStatus(b.Topic("status"), b.Offline(h.Now), h.Now);

        listener.RecordObservableInstruments();

        Assert.Contains(("citybrain.hub.nodes", 1L, "online"), measurements);
        Assert.Contains(("citybrain.hub.nodes", 1L, "offline"), measurements);
        Assert.Equal(2, measurements.Count(m => m == ("citybrain.hub.alerts.raised", 1L, "node-offline")));
        Assert.Single(measurements, m => m == ("citybrain.hub.alerts.cleared", 1L, "node-offline"));
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var t in tags)
        {
            if (t.Key == name)
            {
                return t.Value as string;
            }
        }

        return null;
    }
}

using CityBrain.Hub.Alerts;
using CityBrain.Hub.Tests.Alerts;
using CityBrain.Sensing;
using CityBrain.Sensing.Contract;
using CityBrain.Testing;
using Microsoft.Extensions.Configuration;

namespace CityBrain.IntegrationTests.Catalogue;

/// <summary>
/// The hub's registry and alert engine (<see cref="AlertHarness"/>, fake clock) with the shipped rules
/// (deploy/hub.example.json), fed with what a device produced: readings are numbered, encoded by the real
/// <see cref="TelemetryCodec"/> and read back as the hub's ingest reads them, then handed to the observer the ingest calls.
/// </summary>
internal sealed class ShippedRulesHub : IDisposable
{
    private readonly AlertHarness _harness;
    private long _seq;

    public ShippedRulesHub(DateTimeOffset start)
    {
        var shipped = ShippedAlertOptions();
        _harness = new AlertHarness(start, o => o.TimeZone = shipped.TimeZone, [.. shipped.Rules]);
    }

    public AlertEngine Engine => _harness.Engine;

    public CityBrain.Hub.Alerts.HealthAndAlertsObserver Observer => _harness.Observer;

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => _harness.Time;

    public DateTimeOffset Now => _harness.Now;

    /// <summary>The <c>Hub:Alerts</c> section of a shipped configuration file, bound as the hub binds it.</summary>
    public static AlertOptions ShippedAlertOptions(string path = "deploy/hub.example.json")
    {
        var config = new ConfigurationBuilder().AddJsonFile(RepoPaths.Combine(path.Split('/'))).Build();
        var options = new AlertOptions();
        config.GetSection(AlertOptions.Section).Bind(options);
        return options;
    }

    /// <summary>Numbers the readings (skipping <paramref name="lost"/> sequence numbers first), encodes them and delivers the decoded batch.</summary>
    public void Deliver(NodeTopic topic, IReadOnlyList<Reading> readings, long lost = 0)
    {
        _seq += lost;
        var batch = new TelemetryMessage(topic.Node, Now, readings.Select(r => new SequencedReading(_seq++, r)).ToList());
        byte[] wire = TelemetryCodec.Serialize(batch);
        Assert.True(TelemetryCodec.TryRead(wire, out var decoded, out var violation), violation?.ToString());
        Observer.OnTelemetry(topic, decoded!, Now);
    }

    /// <summary>Moves the clock and runs the periodic evaluation, as the tick service does.</summary>
    public void Advance(TimeSpan by) => _harness.Advance(by);

    public Alert? Active(string rule) => Engine.GetActive().SingleOrDefault(a => a.Rule == rule);

    public void Dispose() => _harness.Dispose();
}

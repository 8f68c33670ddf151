using CityBrain.Hub.Alerts;
using CityBrain.Hub.Configuration;
using CityBrain.Hub.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Tests.Configuration;

/// <summary>
/// The hub's options are bound by the configuration binding source generator (the library sets
/// EnableConfigurationBindingGenerator for NativeAOT): values given are bound, defaults of values left out survive.
/// </summary>
public sealed class OptionsBindingTests
{
    private static ServiceProvider Services(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddCityBrainHub(configuration);
        services.AddHubHealthAndAlerts(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void OnlySinks_EverythingElseKeepsItsDefault()
    {
        using var sp = Services(new()
        {
            ["Hub:Sinks:0:Kind"] = "influx-v2",
            ["Hub:Sinks:0:Url"] = "http://127.0.0.1:8428",
            ["Hub:Sinks:0:Org"] = "city",
            ["Hub:Sinks:0:Bucket"] = "citybrain",
        });
        var o = sp.GetRequiredService<IOptions<HubOptions>>().Value;
        var d = new HubOptions();
        var sink = Assert.Single(o.Sinks);
        var defaultSink = new SinkOptions();
        Assert.Equal(("influx-v2", "http://127.0.0.1:8428", "city", "citybrain"), (sink.Kind, sink.Url, sink.Org, sink.Bucket));
        Assert.Equal((defaultSink.Client, defaultSink.Writers, defaultSink.TimeoutSeconds, defaultSink.Gzip), (sink.Client, sink.Writers, sink.TimeoutSeconds, sink.Gzip));
        Assert.Equal((d.InstanceName, d.MaxPayloadBytes, d.HttpPort, d.HttpBindAddress), (o.InstanceName, o.MaxPayloadBytes, o.HttpPort, o.HttpBindAddress));
        Assert.Null(o.Columns); // not set: all three columns (PointColumns.All)
        Assert.Equal((d.Mqtt.Host, d.Mqtt.Port, d.Mqtt.ReceiveMaximum, d.Mqtt.ReceiveWindowBytes, d.Mqtt.PersistentSession, d.Mqtt.SessionExpirySeconds), (o.Mqtt.Host, o.Mqtt.Port, o.Mqtt.ReceiveMaximum, o.Mqtt.ReceiveWindowBytes, o.Mqtt.PersistentSession, o.Mqtt.SessionExpirySeconds));
        Assert.Equal((d.Batching.MaxLines, d.Batching.MaxDelayMilliseconds, d.Batching.QueueCapacity), (o.Batching.MaxLines, o.Batching.MaxDelayMilliseconds, o.Batching.QueueCapacity));
        Assert.Empty(HubOptionsValidator.Check(o));

        var health = sp.GetRequiredService<IOptions<HealthRegistryOptions>>().Value;
        var hd = new HealthRegistryOptions();
        Assert.Equal((hd.SnapshotPath, hd.SnapshotInterval, hd.SparklineBucket, hd.SparklinePoints, hd.MaxNodes), (health.SnapshotPath, health.SnapshotInterval, health.SparklineBucket, health.SparklinePoints, health.MaxNodes));
        var alerts = sp.GetRequiredService<IOptions<AlertOptions>>().Value;
        Assert.Equal((new AlertOptions().TickInterval, new AlertOptions().TimeZone), (alerts.TickInterval, alerts.TimeZone));
        Assert.Empty(alerts.Rules);
    }

    [Fact]
    public void GivenValues_AreBound_IncludingTimeSpansAndTheGetOnlyRuleList()
    {
        using var sp = Services(new()
        {
            ["Hub:InstanceName"] = "hub-b",
            ["Hub:Mqtt:Port"] = "1884",
            ["Hub:Sinks:0:Kind"] = "influx-v1",
            ["Hub:Sinks:0:Url"] = "http://127.0.0.1:8086",
            ["Hub:Sinks:0:Database"] = "citybrain",
            ["Hub:Sinks:0:Writers"] = "4",
            ["Hub:Columns:0"] = "value",
            ["Hub:Columns:1"] = "seq",
            ["Hub:Health:SnapshotInterval"] = "00:01:00",
            ["Hub:Health:SparklinePoints"] = "30",
            ["Hub:Alerts:TimeZone"] = "Europe/Berlin",
            ["Hub:Alerts:Rules:0:Id"] = "pm25",
            ["Hub:Alerts:Rules:0:Kind"] = "threshold",
            ["Hub:Alerts:Rules:0:Quantity"] = "pm2_5",
            ["Hub:Alerts:Rules:0:Above"] = "75",
            ["Hub:Alerts:Rules:0:For"] = "00:05:00",
        });
        var o = sp.GetRequiredService<IOptions<HubOptions>>().Value;
        Assert.Equal(("hub-b", 1884, 4), (o.InstanceName, o.Mqtt.Port, o.Sinks[0].Writers));
        Assert.Equal(["value", "seq"], o.Columns!);
        var health = sp.GetRequiredService<IOptions<HealthRegistryOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(1), 30), (health.SnapshotInterval, health.SparklinePoints));
        var alerts = sp.GetRequiredService<IOptions<AlertOptions>>().Value;
        Assert.Equal("Europe/Berlin", alerts.TimeZone);
        var rule = Assert.Single(alerts.Rules);
        Assert.Equal(("pm25", "threshold", 75.0, TimeSpan.FromMinutes(5), AlertSeverities.Warning), (rule.Id, rule.Kind, rule.Above!.Value, rule.For, rule.Severity));
    }
}

using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Service.OperatorView;
using CityBrain.Sensing.Contract;
using CityBrain.Testing.Hub;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.IntegrationTests.OperatorView;

/// <summary>The view's payload writers in-process over a registry on a fake clock, with an offline alert rule.</summary>
internal sealed class ViewHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public ViewHarness(int maxDetailSensors = OperatorViewOptions.DefaultMaxDetailSensors)
    {
        Options = new OperatorViewOptions { MaxDetailSensors = maxDetailSensors };
        var alertOptions = Microsoft.Extensions.Options.Options.Create(new AlertOptions { Rules = { new AlertRuleOptions { Id = "node-offline", Kind = AlertKinds.Offline } } });
        Registry = new HealthRegistry(Microsoft.Extensions.Options.Options.Create(new HealthRegistryOptions { SnapshotPath = "" }), Time, Metrics);
        Alerts = new AlertEngine(alertOptions, Registry, new AlertPublishQueue(alertOptions, Metrics), Metrics, Time);
        Writer = new LiveViewWriter(Registry, Alerts, Microsoft.Extensions.Options.Options.Create(Options), Time);
        Stream = new LiveEventStream(Registry, Alerts, Writer, Microsoft.Extensions.Options.Options.Create(Options), Time);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public HealthMetrics Metrics { get; } = new();

    public OperatorViewOptions Options { get; }

    public HealthRegistry Registry { get; }

    public AlertEngine Alerts { get; }

    public LiveViewWriter Writer { get; }

    public LiveEventStream Stream { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>
    /// north/n1/node-n: bin-07 ok, bin-08 fault, cam idle (3 sensors, 21 minutes of fill levels);
    /// south/s2/node-s: offline, no sensors; south/s3/node-t: air ok with pm2_5 and pm10 (1 sensor).
    /// </summary>
    public ViewHarness WithSmallCity()
    {
        var north = new NodeMessages("north", "n1", "node-n", "river-road");
        var south = new NodeMessages("south", "s2", "node-s", "hill-road");
        var third = new NodeMessages("south", "s3", "node-t", "quay");
        Registry.OnStatus(north.Topic("status"), north.Online(Now, ("bin-07", "fill_level", "%", 60_000), ("bin-08", "fill_level", "%", 60_000), ("cam", "occupancy", "%", 600_000)), Now);
        Registry.OnStatus(south.Topic("status"), south.Online(Now), Now);
        Registry.OnStatus(south.Topic("status"), south.Offline(Now), Now);
        Registry.OnStatus(third.Topic("status"), third.Online(Now, ("air", "pm2_5", "ug/m3", 60_000), ("air", "pm10", "ug/m3", 60_000)), Now);
        for (int minute = 0; minute < 20; minute++)
        {
            Registry.OnTelemetry(north.Topic("telemetry"), north.Telemetry(Now, ("bin-07", "fill_level", 40 + minute, "%"), ("bin-08", "fill_level", 10 + (minute % 3), "%")), Now);
            Registry.OnTelemetry(third.Topic("telemetry"), third.Telemetry(Now, ("air", "pm2_5", 12.5 + minute, "ug/m3"), ("air", "pm10", 20.25 - minute, "ug/m3")), Now);
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        Registry.OnTelemetry(north.Topic("telemetry"), north.Telemetry(Now, ("bin-07", "fill_level", 77, "%"), ("bin-08", "fill_level", 12, "%")), Now);
        Registry.OnTelemetry(third.Topic("telemetry"), third.Telemetry(Now, ("air", "pm2_5", 33.5, "ug/m3"), ("air", "pm10", 1.5, "ug/m3")), Now);
        Registry.OnHealth(north.Topic("health"), north.Health(Now, 60, 5, new SensorHealth { Id = "bin-08", Status = SensorHealth.Fault, LastError = new FaultInfo("timeout", "no answer", Now.ToUnixTimeMilliseconds()), Faults = 2 }), Now);
        Registry.OnHealth(third.Topic("health"), third.Health(Now, 60), Now);
        Alerts.Evaluate();
        return this;
    }

    /// <summary>The <c>state</c> payload of <paramref name="filter"/> as text.</summary>
    public string State(NodeFilter filter) => System.Text.Encoding.UTF8.GetString(Stream.State(filter).Json);

    public LiveState ParseState(NodeFilter filter) =>
        System.Text.Json.JsonSerializer.Deserialize(Stream.State(filter).Json, ViewJsonContext.Default.LiveState)!;

    /// <summary>The <c>sparks</c> payload of <paramref name="filter"/> as text (completes synchronously: written to memory).</summary>
    public string Sparks(NodeFilter filter)
    {
        using var memory = new MemoryStream();
        var pipe = System.IO.Pipelines.PipeWriter.Create(memory);
        Assert.True(Stream.WriteSparksAsync(pipe, filter, CancellationToken.None).IsCompletedSuccessfully);
        return System.Text.Encoding.UTF8.GetString(memory.ToArray());
    }

    public string Nodes(NodeFilter filter, bool sparklines)
    {
        using var memory = new MemoryStream();
        var pipe = System.IO.Pipelines.PipeWriter.Create(memory);
        Assert.True(Writer.WriteNodesAsync(pipe, filter, sparklines, CancellationToken.None).IsCompletedSuccessfully);
        return System.Text.Encoding.UTF8.GetString(memory.ToArray());
    }

    public void Dispose() => Metrics.Dispose();
}

using CityBrain.Hub.Alerts;
using CityBrain.Hub.Health;
using CityBrain.Hub.Sinks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Alerts;

/// <summary>A registry and alert engine on a fake clock, fed through the observer the ingest calls.</summary>
internal sealed class AlertHarness : IDisposable
{
    public AlertHarness(DateTimeOffset start, string timeZone = "UTC", params AlertRuleOptions[] rules)
        : this(start, o => o.TimeZone = timeZone, rules)
    {
    }

    /// <param name="configure">Sets engine options other than the rules (caps, queue capacity, time zone).</param>
    public AlertHarness(DateTimeOffset start, Action<AlertOptions> configure, params AlertRuleOptions[] rules)
        : this(start, configure, [], rules)
    {
    }

    /// <param name="listeners">Told of every alert change besides the publish queue (e.g. the notification queue).</param>
    public AlertHarness(DateTimeOffset start, Action<AlertOptions> configure, IAlertListener[] listeners, params AlertRuleOptions[] rules)
    {
        Time = new FakeTimeProvider(start);
        Metrics = new HealthMetrics();
        Registry = new HealthRegistry(Options.Create(new HealthRegistryOptions()), Time, Metrics);
        var options = new AlertOptions();
        configure(options);
        options.Rules.AddRange(rules);
        Queue = new AlertPublishQueue(Options.Create(options), Metrics);
        Sinks = new SinkHealth("hub-a", Time);
        Engine = new AlertEngine(Options.Create(options), Registry, Queue, Metrics, Time, listeners: listeners, sinks: Sinks);
        Observer = new HealthAndAlertsObserver(Registry, Engine);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>What the sink writers report (the database rule reads it).</summary>
    public SinkHealth Sinks { get; }

    public HealthMetrics Metrics { get; }

    public HealthRegistry Registry { get; }

    public AlertPublishQueue Queue { get; }

    public AlertEngine Engine { get; }

    public HealthAndAlertsObserver Observer { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Advances the fake clock and runs the periodic evaluation, as the tick service would.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Engine.Evaluate();
    }

    /// <summary>Every alert change queued for publishing so far, in order.</summary>
    public List<Alert> Published()
    {
        var list = new List<Alert>();
        while (Queue.Reader.TryRead(out var a))
        {
            list.Add(a);
        }

        return list;
    }

    public void Dispose() => Metrics.Dispose();
}

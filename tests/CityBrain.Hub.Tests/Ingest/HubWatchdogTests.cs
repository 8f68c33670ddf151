using CityBrain.Hub.Configuration;
using CityBrain.Hub.Ingest;
using CityBrain.Sensing.Hosting;
using CityBrain.Testing.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Hub.Tests.Ingest;

/// <summary>The hub's systemd watchdog pings while its ingest moves or idles, and stops when held telemetry goes nowhere.</summary>
public sealed class HubWatchdogTests : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30); // half of WatchdogSec=60
    private readonly FakeTimeProvider _time = new();
    private readonly IngestMetrics _metrics = new();
    private readonly RecordingNotifier _notifier = new();

    public void Dispose() => _metrics.Dispose();

    /// <summary>The watchdog as the hub composes it, with a 100 s stall limit (no retry delay, 20 s sink timeout).</summary>
    private SystemdWatchdogService Service()
    {
        var options = new HubOptions { Resilience = new WriteResilienceOptions { MaxRetryDelaySeconds = 0 }, Sinks = [new SinkOptions { TimeoutSeconds = 20 }] };
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([IngestLiveness.Probe(_metrics, options)]);
        return new SystemdWatchdogService(watchdog, _time, NullLogger<SystemdWatchdogService>.Instance, _notifier, Period * 2);
    }

    [Fact]
    public void Idle_NothingHeld_KeepsPinging()
    {
        using var service = Service();

        for (int i = 0; i < 20; i++)
        {
            _time.Advance(Period);
            Assert.True(service.Tick());
        }

        Assert.Equal(20, _notifier.Count("WATCHDOG=1"));
    }

    [Fact]
    public void HeldTelemetryWithNoWriteNorAttempt_StopsThePings_AndAWriteResumesThem()
    {
        using var service = Service();
        _metrics.Held(); // a message received, waiting for the writers

        var pinged = new List<bool>();
        for (int i = 0; i < 5; i++)
        {
            _time.Advance(Period);
            pinged.Add(service.Tick());
        }

        // 30, 60, 90 s still within the 100 s limit; 120 and 150 s past it: systemd kills 60 s after the last ping.
        Assert.Equal([true, true, true, false, false], pinged);

        _metrics.BatchStored(1, 3);
        _metrics.Released(1);
        _time.Advance(Period);
        Assert.True(service.Tick());
        Assert.Equal(4, service.Pings);
        Assert.Equal(4, _notifier.Count("WATCHDOG=1"));
    }

    [Fact]
    public void ADatabaseThatIsDown_RetriedByTheWriters_IsNotAHang()
    {
        using var service = Service();
        _metrics.Held();

        for (int i = 0; i < 20; i++)
        {
            _metrics.Retry("influx"); // the writers keep trying (the broker holds the rest): restarting would not help
            _time.Advance(Period);
            Assert.True(service.Tick());
        }
    }

    [Fact]
    public void StallLimit_FollowsTheRetryDelayAndTheSlowestSink()
    {
        var options = new HubOptions
        {
            Resilience = new WriteResilienceOptions { MaxRetryDelaySeconds = 30 },
            Sinks = [new SinkOptions { TimeoutSeconds = 10 }, new SinkOptions { TimeoutSeconds = 25 }],
        };

        Assert.Equal(TimeSpan.FromSeconds((2 * (30 + 25)) + 60), IngestLiveness.StallAfter(options));
        Assert.Equal(TimeSpan.FromSeconds(140), IngestLiveness.StallAfter(new HubOptions { Sinks = [new SinkOptions()] })); // the defaults, as the unit's comment says
    }
}

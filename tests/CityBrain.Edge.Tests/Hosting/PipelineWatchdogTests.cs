using CityBrain.Edge.Hosting;
using CityBrain.Sensing.Hosting;
using CityBrain.Testing.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Hosting;

public class PipelineWatchdogTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Check_CountersMove_NoStall()
    {
        long polls = 0;
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([LivenessProbe.Always("sensor 'a' runner", () => polls, TimeSpan.FromSeconds(60))]);

        for (int i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(50));
            polls++;
            Assert.Empty(watchdog.Check());
        }
    }

    [Fact]
    public void Check_CounterStandsStillPastItsLimit_ReportsTheComponent()
    {
        long polls = 5;
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([LivenessProbe.Always("sensor 'a' runner", () => polls, TimeSpan.FromSeconds(60))]);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(watchdog.Check());
        _time.Advance(TimeSpan.FromSeconds(1));
        var stall = Assert.Single(watchdog.Check());
        Assert.Equal("sensor 'a' runner: no progress for 61 s (limit 60 s)", stall);

        polls++;
        Assert.Empty(watchdog.Check());
    }

    [Fact]
    public void Check_NoWorkWaiting_NeverStalls()
    {
        long appended = 0;
        int queued = 0;
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([new LivenessProbe("buffer appender", () => appended, () => queued > 0, TimeSpan.FromSeconds(60))]);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(watchdog.Check());

        // Work arrives and is not taken: the clock starts when the work was first seen waiting.
        queued = 10;
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(watchdog.Check());
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("buffer appender: no progress for 91 s (limit 60 s)", Assert.Single(watchdog.Check()));
    }

    [Fact]
    public void Check_OneOfSeveralStuck_ReportsOnlyThatOne()
    {
        long a = 0, b = 0;
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([
            LivenessProbe.Always("sensor 'a' runner", () => a, TimeSpan.FromSeconds(10)),
            LivenessProbe.Always("sensor 'b' runner", () => b, TimeSpan.FromSeconds(10)),
        ]);

        _time.Advance(TimeSpan.FromSeconds(11));
        a++;
        Assert.StartsWith("sensor 'b' runner:", Assert.Single(watchdog.Check()), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AfterClear_NothingIsWatched()
    {
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([LivenessProbe.Always("sensor 'a' runner", () => 0, TimeSpan.FromSeconds(1))]);
        watchdog.Clear();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(watchdog.Check());
    }

    [Fact]
    public void SystemdWatchdogService_PingsWhileMoving_StopsWhenStuck_ResumesWhenMovingAgain()
    {
        long polls = 0;
        var watchdog = new PipelineWatchdog(_time);
        watchdog.Watch([LivenessProbe.Always("sensor 'a' runner", () => polls, TimeSpan.FromSeconds(40))]);
        var notifier = new RecordingNotifier();
        using var service = new SystemdWatchdogService(watchdog, _time, NullLogger<SystemdWatchdogService>.Instance, notifier, TimeSpan.FromSeconds(30));

        // Moving: every period (15 s, half of WatchdogSec=30) pings.
        for (int i = 0; i < 4; i++)
        {
            polls++;
            _time.Advance(TimeSpan.FromSeconds(15));
            Assert.True(service.Tick());
        }

        // Stuck: pings go on until the stall passes its 40 s limit, then stop (systemd kills 30 s after the last one).
        var pinged = new List<bool>();
        for (int i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            pinged.Add(service.Tick());
        }

        Assert.Equal([true, true, false, false, false], pinged);

        polls++;
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(service.Tick());
        Assert.Equal(7, notifier.Count("WATCHDOG=1"));
        Assert.Equal(7, service.Pings);
    }

    [Fact]
    public void SystemdWatchdogService_BeforeTheNodeRuns_PingsNothingToWatch()
    {
        var notifier = new RecordingNotifier();
        using var service = new SystemdWatchdogService(new PipelineWatchdog(_time), _time, NullLogger<SystemdWatchdogService>.Instance, notifier, TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(service.Tick());
        Assert.Equal(1, notifier.Count("WATCHDOG=1"));
    }
}

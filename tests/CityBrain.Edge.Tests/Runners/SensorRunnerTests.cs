using CityBrain.Edge;
using CityBrain.Edge.Pipeline;
using CityBrain.Edge.Runners;
using CityBrain.Sensing;
using CityBrain.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Runners;

public sealed class SensorRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A driver whose poll takes a scripted time on the fake clock.</summary>
    private sealed class ScriptedDriver(string id, FakeTimeProvider time, TimeSpan pollDuration) : ISensorDriver
    {
        public int Polls { get; private set; }

        public TimeSpan PollDuration { get; set; } = pollDuration;

        public Exception? Throw { get; set; }

        /// <summary>The one poll (1-based) that takes <see cref="SlowPollDuration"/> instead, e.g. a GC pause or a late timer.</summary>
        public int SlowPoll { get; init; }

        public TimeSpan SlowPollDuration { get; init; }

        public string SensorId => id;

        public IReadOnlyList<QuantityInfo> Quantities { get; } = [new("level", "%")];

        public async ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
        {
            Polls++;
            if (Throw is not null)
            {
                throw Throw;
            }

            var duration = Polls == SlowPoll ? SlowPollDuration : PollDuration;
            if (duration > TimeSpan.Zero)
            {
                await Task.Delay(duration, time, cancellationToken);
            }

            collector.Add(new Reading(id, "level", Polls, "%", time.GetUtcNow()));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static SensorRunner Runner(ISensorDriver driver, FakeTimeProvider time, ReadingIntake intake, TimeSpan interval, TimeSpan timeout) =>
        new(driver, null, intake, new SensorSchedule(interval, TimeSpan.Zero, timeout), time, new EdgeMetrics(), NullLogger.Instance);

    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan total, TimeSpan step)
    {
        for (var t = TimeSpan.Zero; t < total; t += step)
        {
            time.Advance(step);
            await Task.Yield();
            await Task.Delay(1);
        }
    }

    [Fact]
    public async Task PollOnce_DriverTimesOut_BecomesATimeoutFaultAndNoReading()
    {
        var time = new FakeTimeProvider(Start);
        var driver = new ScriptedDriver("bin-1", time, TimeSpan.FromSeconds(5));
        var intake = new ReadingIntake(16);
        var runner = Runner(driver, time, intake, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

        var poll = runner.PollOnceAsync(CancellationToken.None);
        await AdvanceAsync(time, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
        await poll.WaitAsync(TimeSpan.FromSeconds(5));

        var health = runner.State.Snapshot();
        Assert.Equal("fault", health.Status);
        Assert.Equal(FaultCodes.Timeout, health.LastError!.Code);
        Assert.Equal(0, intake.Count);
    }

    [Fact]
    public async Task PollOnce_DriverThrows_BecomesADriverErrorFault()
    {
        var time = new FakeTimeProvider(Start);
        var driver = new ScriptedDriver("bin-1", time, TimeSpan.Zero) { Throw = new IOException("port gone") };
        var runner = Runner(driver, time, new ReadingIntake(16), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        await runner.PollOnceAsync(CancellationToken.None);

        var error = runner.State.Snapshot().LastError!;
        Assert.Equal(FaultCodes.DriverError, error.Code);
        Assert.Contains("port gone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SlowPollSkipsMissedTicks_AndCountsThemAsOverruns()
    {
        var time = new FakeTimeProvider(Start);
        var driver = new ScriptedDriver("slow", time, TimeSpan.FromMilliseconds(3500));
        var runner = Runner(driver, time, new ReadingIntake(1024), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        await AdvanceAsync(time, TimeSpan.FromSeconds(12), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        // Each poll takes 3.5 intervals: the tick it ends in is polled at once, the 2-3 ticks that passed entirely while it
        // ran are missed, never queued up behind it.
        Assert.InRange(driver.Polls, 3, 4);
        Assert.InRange(runner.State.Overruns, 6, 12);
    }

    [Fact]
    public async Task Run_APollEndingAfterItsNextTick_IsFollowedByThatTicksPoll_NothingSkipped()
    {
        // One poll takes 1.5 intervals (a late timer wake-up, a GC pause, the neighbours' polls on the bus): the tick
        // it ran into is polled at once, not skipped, and the schedule stays on its grid (issue 16).
        var time = new FakeTimeProvider(Start);
        var driver = new ScriptedDriver("late", time, TimeSpan.Zero) { SlowPoll = 3, SlowPollDuration = TimeSpan.FromMilliseconds(1500) };
        var intake = new ReadingIntake(1024);
        var runner = Runner(driver, time, intake, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        await AdvanceAsync(time, TimeSpan.FromSeconds(12), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        // 12 s at one tick a second from a first tick within the first second: 12 or 13 ticks, every one polled.
        Assert.Equal(0, runner.State.Overruns);
        Assert.InRange(driver.Polls, 12, 13);
        Assert.Equal(driver.Polls, intake.Count);
    }

    [Fact]
    public async Task Run_ALateWakeUpWithAQuickPoll_NeverSamplesTheSameInstantTwice()
    {
        // The process was paused for 2.5 intervals (a GC pause, a starved machine): the tick the late poll ran into is
        // polled half an interval later, not at once (a second reading with the same timestamp, which the database would
        // keep as one); ticks that passed entirely are counted and the schedule goes on on its grid.
        var time = new FakeTimeProvider(Start);
        var driver = new StampingDriver(time);
        var intake = new ReadingIntake(1024);
        var runner = Runner(driver, time, intake, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        await AdvanceAsync(time, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(50));
        int polled = driver.Stamps.Count;
        time.Advance(TimeSpan.FromMilliseconds(2500)); // one jump: every timer due meanwhile fires late, at once
        await Poll.UntilAsync(() => driver.Stamps.Count > polled, TimeSpan.FromSeconds(5), "the late poll ran");
        await AdvanceAsync(time, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(driver.Stamps.Count, driver.Stamps.Distinct().Count());
        Assert.All(driver.Stamps.Zip(driver.Stamps.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromMilliseconds(500), $"{p.First:HH:mm:ss.fff} then {p.Second:HH:mm:ss.fff}"));
        Assert.InRange(driver.Stamps.Count + runner.State.Overruns, 8, 10); // 8.5 s: every tick polled or counted
    }

    [Fact]
    public async Task Run_WakeUpsLateByLessThanTwoIntervals_EveryTickIsStillPolled()
    {
        // Wake-ups late by up to two intervals (two busy cores, 80 runners every 10 ms) lose no poll: the late tick is
        // polled, and the next one half an interval later. Counting the late tick as an overrun made 95% of the polls.
        var time = new FakeTimeProvider(Start);
        var driver = new StampingDriver(time);
        var runner = Runner(driver, time, new ReadingIntake(1024), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        var elapsed = TimeSpan.Zero;
        for (int pause = 0; pause < 3; pause++)
        {
            await AdvanceAsync(time, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(50));
            int polled = driver.Stamps.Count;
            time.Advance(TimeSpan.FromMilliseconds(1950));
            await Poll.UntilAsync(() => driver.Stamps.Count > polled, TimeSpan.FromSeconds(5), "the late poll ran");
            elapsed += TimeSpan.FromMilliseconds(4950);
        }

        await AdvanceAsync(time, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(50));
        elapsed += TimeSpan.FromSeconds(3);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, runner.State.Overruns);
        Assert.InRange(driver.Stamps.Count, (int)elapsed.TotalSeconds - 2, (int)elapsed.TotalSeconds + 1);
        Assert.All(driver.Stamps.Zip(driver.Stamps.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Run_WhileTheShedderSheds_TicksAreSkippedAndCounted_ThenPollingResumes()
    {
        var time = new FakeTimeProvider(Start);
        var driver = new StampingDriver(time);
        var shedder = new LoadShedder(TimeSpan.FromSeconds(2), time);
        var runner = new SensorRunner(
            driver, null, new ReadingIntake(1024), new SensorSchedule(TimeSpan.FromMilliseconds(500), TimeSpan.Zero, TimeSpan.FromSeconds(10)), time, new EdgeMetrics(), NullLogger.Instance, shedder);
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        await AdvanceAsync(time, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        int before = driver.Stamps.Count;
        Assert.InRange(before, 3, 5);
        Assert.Equal(0, runner.State.Overruns);

        shedder.ReportWait(TimeSpan.FromSeconds(3)); // delivery lags: shed for the hold (2 s) unless told otherwise
        await AdvanceAsync(time, TimeSpan.FromMilliseconds(1900), TimeSpan.FromMilliseconds(50));
        Assert.Equal(before, driver.Stamps.Count);
        Assert.InRange(runner.State.Overruns, 3, 4);
        Assert.Equal(runner.State.Overruns, shedder.ShedTicks);

        shedder.ReportWait(TimeSpan.Zero);
        await AdvanceAsync(time, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.InRange(driver.Stamps.Count - before, 3, 5);
    }

    /// <summary>A quick driver that remembers the wall-clock time of each poll.</summary>
    private sealed class StampingDriver(FakeTimeProvider time) : ISensorDriver
    {
        public List<DateTimeOffset> Stamps { get; } = [];

        public string SensorId => "stamp";

        public IReadOnlyList<QuantityInfo> Quantities { get; } = [new("level", "%")];

        public ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
        {
            Stamps.Add(time.GetUtcNow());
            collector.Add(new Reading("stamp", "level", Stamps.Count, "%", time.GetUtcNow()));
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Run_PollsLongerThanTheInterval_RunBackToBack_AndOnlyWhollyMissedTicksAreOverruns()
    {
        // A bus that really is too slow (1.2 s per poll, a tick every second): polls follow each other without a gap, and
        // each tick is either polled or counted as an overrun. Skipping every tick that had passed polled every 2.2 s.
        var time = new FakeTimeProvider(Start);
        var driver = new ScriptedDriver("busy", time, TimeSpan.FromMilliseconds(1200));
        var runner = Runner(driver, time, new ReadingIntake(1024), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        await AdvanceAsync(time, TimeSpan.FromSeconds(12), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.InRange(driver.Polls, 10, 11);
        Assert.InRange(runner.State.Overruns, 1, 2);
        Assert.InRange(driver.Polls + runner.State.Overruns, 11, 13);
    }

    [Fact]
    public async Task Run_ASlowDriverNeverDelaysAnotherSensor()
    {
        var time = new FakeTimeProvider(Start);
        var intake = new ReadingIntake(4096);
        var slow = new ScriptedDriver("slow", time, TimeSpan.FromSeconds(30));
        var fast = new ScriptedDriver("fast", time, TimeSpan.Zero);
        var slowRunner = Runner(slow, time, intake, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var fastRunner = Runner(fast, time, intake, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource();

        var runs = Task.WhenAll(slowRunner.RunAsync(cts.Token), fastRunner.RunAsync(cts.Token));
        await AdvanceAsync(time, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await runs.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, slow.Polls);
        Assert.InRange(fast.Polls, 9, 11);
        Assert.Equal(0, fastRunner.State.Overruns);
    }

    [Theory]
    [InlineData(-300)] // NTP or an operator steps the clock back 5 minutes
    [InlineData(3600)] // a node without RTC gets its time an hour later than it thought
    public async Task Run_WallClockSteps_SamplingKeepsItsMonotonicSchedule(int stepSeconds)
    {
        var clock = new SteppedWallClock(Start);
        var driver = new ScriptedDriver("loop-1", clock.Fake, TimeSpan.Zero);
        var intake = new ReadingIntake(1024);
        var runner = new SensorRunner(
            driver, null, intake, new SensorSchedule(TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(1)), clock, new EdgeMetrics(), NullLogger.Instance);
        using var cts = new CancellationTokenSource();

        var run = runner.RunAsync(cts.Token);
        await AdvanceAsync(clock.Fake, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(50));
        int beforeStep = driver.Polls;
        clock.StepWallClock(TimeSpan.FromSeconds(stepSeconds));
        await AdvanceAsync(clock.Fake, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        // One poll a second before and after the step: no pause for the minutes stepped back, no catch-up burst forward.
        Assert.InRange(beforeStep, 3, 4);
        Assert.InRange(driver.Polls - beforeStep, 9, 11);
        Assert.Equal(0, runner.State.Overruns);
        Assert.Equal(driver.Polls, intake.Count);
    }
}

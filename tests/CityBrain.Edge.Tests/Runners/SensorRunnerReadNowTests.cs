using CityBrain.Edge.Pipeline;
using CityBrain.Edge.Runners;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Runners;

/// <summary>An on-call read goes through the runner's poll gate: never at the same time as a scheduled poll of the same driver.</summary>
public sealed class SensorRunnerReadNowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    /// <summary>A driver whose first poll blocks until released, counting polls that overlap.</summary>
    private sealed class HeldDriver(FakeTimeProvider time) : ISensorDriver
    {
        private int _running;
        private int _polls;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstPollStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MaxConcurrent { get; private set; }

        public int Polls => Volatile.Read(ref _polls);

        public string SensorId => "env-01";

        public IReadOnlyList<QuantityInfo> Quantities { get; } = [new("air_temperature", "°C")];

        public async ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken)
        {
            int running = Interlocked.Increment(ref _running);
            MaxConcurrent = Math.Max(MaxConcurrent, running);
            try
            {
                if (Interlocked.Increment(ref _polls) == 1)
                {
                    FirstPollStarted.TrySetResult();
                    await Release.Task.WaitAsync(cancellationToken);
                }

                collector.Add(new Reading(SensorId, "air_temperature", 20 + Polls, "°C", time.GetUtcNow()));
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static (FakeTimeProvider Time, HeldDriver Driver, ReadingIntake Intake, SensorRunner Runner) Create()
    {
        var time = new FakeTimeProvider(Start);
        var driver = new HeldDriver(time);
        var intake = new ReadingIntake(16);
        var runner = new SensorRunner(driver, null, intake, new SensorSchedule(TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromSeconds(30)), time, new EdgeMetrics(), NullLogger.Instance);
        return (time, driver, intake, runner);
    }

    /// <summary>Starts a scheduled poll that holds the sensor until <see cref="HeldDriver.Release"/>.</summary>
    private static async Task<Task> StartHeldPollAsync(SensorRunner runner, HeldDriver driver)
    {
        var scheduled = runner.PollOnceAsync(CancellationToken.None);
        await driver.FirstPollStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        return scheduled;
    }

    [Fact]
    public async Task ReadNow_WhileAScheduledPollRuns_WaitsForItThenReadsIntoTheIntake()
    {
        var (_, driver, intake, runner) = Create();
        using var owned = runner;
        var scheduled = await StartHeldPollAsync(runner, driver);
        var readNow = runner.ReadNowAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(readNow.IsCompleted);
        Assert.Equal(1, driver.Polls);

        driver.Release.SetResult();
        await scheduled.WaitAsync(TimeSpan.FromSeconds(5));
        var result = await readNow.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(result);
        var reading = Assert.Single(result.Readings);
        Assert.Equal(22, reading.Value);
        Assert.Empty(result.Faults);
        Assert.Equal(1, driver.MaxConcurrent);
        Assert.Equal(2, intake.Count); // the scheduled reading and the on-call one, both on their way to the buffer
        Assert.Equal(2, runner.State.Sampled);
    }

    [Fact]
    public async Task ReadNow_SensorHeldLongerThanTheWait_ReturnsNullWithoutPolling()
    {
        var (time, driver, intake, runner) = Create();
        using var owned = runner;
        var scheduled = await StartHeldPollAsync(runner, driver);
        var readNow = runner.ReadNowAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await readNow.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, driver.Polls);
        driver.Release.SetResult();
        await scheduled.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, intake.Count);
    }
}

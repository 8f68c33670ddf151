using CityBrain.Edge.Pipeline;
using CityBrain.Edge.Runners;
using CityBrain.Sensing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Edge.Tests.Runners;

public sealed class EventRunnerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>An event-driven driver whose "hardware" is the test: it hands the sink out and waits.</summary>
    private sealed class ManualEventDriver : IEventSensorDriver
    {
        private readonly TaskCompletionSource<IEventSink> _sink = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string SensorId => "lid-1";

        public IReadOnlyList<QuantityInfo> Quantities { get; } = [new("lid_open", "bool")];

        public Task<IEventSink> Sink => _sink.Task;

        public Exception? FailWatch { get; init; }

        public ValueTask PollAsync(IReadingCollector collector, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async Task WatchAsync(IEventSink sink, CancellationToken cancellationToken)
        {
            if (FailWatch is not null)
            {
                throw FailWatch;
            }

            _sink.SetResult(sink);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static Reading Lid(double value, int ms) => new("lid-1", "lid_open", value, "bool", T0.AddMilliseconds(ms));

    [Fact]
    public async Task PushedReadings_ReachTheIntakeAsTheyHappen_InOrder()
    {
        var driver = new ManualEventDriver();
        var intake = new ReadingIntake(64);
        var state = new SensorState("lid-1");
        var runner = new EventRunner(driver, intake, state, new EdgeMetrics(), new FakeTimeProvider(T0), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        var sink = await driver.Sink.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(sink.TryPush(Lid(1, 0)));
        var first = await intake.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, first.Value);

        Assert.True(sink.TryPush(Lid(0, 1)));
        Assert.True(sink.TryPush(Lid(1, 2)));
        var second = await intake.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var third = await intake.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((0.0, 1.0), (second.Value, third.Value));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, state.Events);
        Assert.Equal(3, state.Snapshot().Events);
        Assert.Equal(0, runner.Dropped);
    }

    [Fact]
    public async Task ReadingsQueuedWhenTheNodeStops_StillReachTheIntake()
    {
        var driver = new ManualEventDriver();
        var intake = new ReadingIntake(EventRunner.QueueCapacity);
        var state = new SensorState("lid-1");
        var runner = new EventRunner(driver, intake, state, new EdgeMetrics(), new FakeTimeProvider(T0), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        // Pushed before the loop ever reads: the stop path drains them.
        Assert.True(((IEventSink)runner).TryPush(Lid(1, 0)));
        Assert.True(((IEventSink)runner).TryPush(Lid(0, 5)));
        await runner.RunAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, intake.Count);
        Assert.Equal(2, state.Events);
    }

    [Fact]
    public async Task AFullQueue_CountsTheDroppedReadingAndShowsAFault()
    {
        var driver = new ManualEventDriver();
        var state = new SensorState("lid-1");
        var runner = new EventRunner(driver, new ReadingIntake(16), state, new EdgeMetrics(), new FakeTimeProvider(T0), NullLogger.Instance);
        IEventSink sink = runner;

        // Nobody drains: the queue takes its capacity, the next one is counted.
        for (int i = 0; i < EventRunner.QueueCapacity; i++)
        {
            Assert.True(sink.TryPush(Lid(i % 2, i)));
        }

        Assert.False(sink.TryPush(Lid(1, EventRunner.QueueCapacity)));
        Assert.Equal(1, runner.Dropped);
        var health = state.Snapshot();
        Assert.Equal(FaultCodes.Overrun, health.LastError?.Code);
        Assert.Equal(1, health.Faults);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task AWatchThatFails_BecomesAFault_AndTheRunnerStopsCleanly()
    {
        var driver = new ManualEventDriver { FailWatch = new IOException("gpiochip0 busy") };
        var state = new SensorState("lid-1");
        var runner = new EventRunner(driver, new ReadingIntake(16), state, new EdgeMetrics(), new FakeTimeProvider(T0), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        await WaitUntilAsync(() => state.Faults == 1);
        Assert.Contains("gpiochip0 busy", state.Snapshot().LastError?.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}

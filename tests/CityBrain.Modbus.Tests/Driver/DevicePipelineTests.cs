using CityBrain.Drivers.Modbus;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace CityBrain.Modbus.Tests.Driver;

/// <summary>
/// One device's Polly pipeline on a fake clock: what is retried, when the breaker opens, how often it probes, when it
/// closes. Each call stands for one planned request; <see cref="Device.Calls"/> counts what reached the device.
/// </summary>
public sealed class DevicePipelineTests
{
    private static readonly ModbusResilienceOptions Options = new() { RetryAttempts = 1, RetryDelay = TimeSpan.Zero, TimeoutsToOpen = 2, BreakDuration = TimeSpan.FromSeconds(10), MaxBreakDuration = TimeSpan.FromSeconds(30) };
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task IsolatedTimeouts_OfAnAnsweringDevice_NeverOpenIt_AndAreNotRetried()
    {
        var device = new Device(Options);
        for (int i = 0; i < 10; i++)
        {
            Assert.IsType<ModbusTimeoutException>(await device.CallAsync(new ModbusTimeoutException()));
            Assert.Null(await device.CallAsync());
            device.Time.Advance(Interval);
        }

        Assert.Equal(CircuitState.Closed, device.State.CircuitState);
        Assert.Equal(20, device.Calls);
        Assert.Empty(device.Changes);
    }

    [Fact]
    public async Task OtherTransientErrors_AreRetriedOnce_TimeoutsOnlyWhenConfigured()
    {
        var device = new Device(Options);
        Assert.Null(await device.CallAsync(new ModbusCrcException("crc"), null));
        Assert.Equal(2, device.Calls);

        var retrying = new Device(Options with { RetryTimeouts = true });
        Assert.Null(await retrying.CallAsync(new ModbusTimeoutException(), null));
        Assert.Equal(2, retrying.Calls);
    }

    [Fact]
    public async Task PermanentErrors_AreAnswers_NotRetried_AndNeverOpenIt()
    {
        var device = new Device(Options);
        for (int i = 0; i < 5; i++)
        {
            Assert.IsType<ModbusDeviceException>(await device.CallAsync(new ModbusDeviceException(ModbusFunction.ReadHoldingRegisters, ModbusExceptionCode.IllegalDataAddress)));
        }

        Assert.Equal(5, device.Calls);
        Assert.Equal(CircuitState.Closed, device.State.CircuitState);
    }

    [Fact]
    public async Task TwoTimeoutsInARow_Open_ThenOneProbePerBreak_NeverRetried_DoublingUpToTheMax()
    {
        var device = await OpenedByTimeoutsAsync();

        foreach (int seconds in new[] { 10, 20, 30, 30 })
        {
            device.Time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            int calls = device.Calls;
            Assert.IsType<BrokenCircuitException>(await device.CallAsync());
            Assert.Equal(calls, device.Calls);

            device.Time.Advance(TimeSpan.FromMilliseconds(1));
            var probe = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var probing = device.ProbeAsync(probe.Task);
            Assert.Equal(CircuitState.HalfOpen, device.State.CircuitState);
            Assert.IsType<BrokenCircuitException>(await device.CallAsync()); // one probe at a time
            probe.SetResult(new ModbusCrcException("crc")); // a retryable error, but a probe is sent once
            Assert.IsType<ModbusCrcException>(await probing);
            Assert.Equal(calls + 1, device.Calls);
            Assert.Equal(CircuitState.Open, device.State.CircuitState);
        }

        Assert.Equal([(true, TimeSpan.FromSeconds(10)), (true, TimeSpan.FromSeconds(20)), (true, TimeSpan.FromSeconds(30)), (true, TimeSpan.FromSeconds(30)), (true, TimeSpan.FromSeconds(30))], device.Changes);
    }

    [Fact]
    public async Task ProbeAnswered_Closes_AndTheNextOpeningStartsFromTheBaseBreak()
    {
        var device = await OpenedByTimeoutsAsync();
        device.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.IsType<ModbusTimeoutException>(await device.CallAsync(new ModbusTimeoutException()));
        device.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await device.CallAsync());
        Assert.Equal(CircuitState.Closed, device.State.CircuitState);
        Assert.Equal((false, TimeSpan.Zero), device.Changes[^1]);

        // Other transient failures (each retried once) share the count.
        await AssertOpensAfterAsync(device, Options.TimeoutsToOpen, () => new ModbusCrcException("crc"));
        Assert.Equal((true, Options.BreakDuration), device.Changes[^1]);
    }

    [Fact]
    public async Task CancelledProbe_DoesNotCloseTheBreaker()
    {
        var device = await OpenedByTimeoutsAsync();
        device.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.IsType<OperationCanceledException>(await device.CallAsync(new OperationCanceledException()));
        Assert.Equal(CircuitState.Open, device.State.CircuitState);
        Assert.IsType<BrokenCircuitException>(await device.CallAsync());
        device.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await device.CallAsync());
        Assert.Equal(CircuitState.Closed, device.State.CircuitState);
    }

    /// <summary>
    /// The sampling window is time-based; it is sized from the interval and the timeout so that a device that answered
    /// and then went silent opens after two timeouts even when its failures are as far apart as they can be
    /// (one interval plus one timeout), whatever the interval.
    /// </summary>
    [Theory]
    [InlineData(10, 1000)]
    [InlineData(250, 500)]
    [InlineData(5000, 1000)]
    [InlineData(60_000, 500)]
    [InlineData(600_000, 3000)]
    public async Task AnsweringDevice_GoingSilent_OpensAfterTwoTimeouts_WhateverTheInterval(int intervalMs, int timeoutMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        var device = new Device(Options, interval, timeout);
        for (int i = 0; i < 3; i++)
        {
            Assert.Null(await device.CallAsync());
            device.Time.Advance(interval);
        }

        device.Time.Advance(timeout);
        Assert.IsType<ModbusTimeoutException>(await device.CallAsync(new ModbusTimeoutException()));
        Assert.Equal(CircuitState.Closed, device.State.CircuitState);
        device.Time.Advance(interval + timeout);
        Assert.IsType<ModbusTimeoutException>(await device.CallAsync(new ModbusTimeoutException()));
        Assert.Equal(CircuitState.Open, device.State.CircuitState);
        Assert.True(DevicePipelineFactory.SamplingDuration(Options, interval, timeout) >= (interval + timeout) / 0.9, "the window holds two failures one gap apart");
    }

    private static async Task<Device> OpenedByTimeoutsAsync()
    {
        var device = new Device(Options);
        await AssertOpensAfterAsync(device, Options.TimeoutsToOpen, () => new ModbusTimeoutException());
        return device;
    }

    /// <summary>n - 1 failed requests leave it closed; the n-th opens it for the base break and the next call fails fast.</summary>
    private static async Task AssertOpensAfterAsync(Device device, int n, Func<Exception> failure)
    {
        for (int i = 1; i < n; i++)
        {
            Assert.NotNull(await device.CallAsync(failure(), failure()));
            Assert.Equal(CircuitState.Closed, device.State.CircuitState);
        }

        Assert.NotNull(await device.CallAsync(failure(), failure()));
        Assert.Equal(CircuitState.Open, device.State.CircuitState);
        int calls = device.Calls;
        var open = Assert.IsType<BrokenCircuitException>(await device.CallAsync());
        Assert.Equal(Options.BreakDuration, open.RetryAfter);
        Assert.Equal(calls, device.Calls);
    }

    /// <summary>A device behind its pipeline: each call's attempts take their outcomes from a script.</summary>
    private sealed class Device
    {
        private readonly ResiliencePipeline _pipeline;

        public Device(ModbusResilienceOptions options, TimeSpan? interval = null, TimeSpan? timeout = null)
        {
            _pipeline = DevicePipelineFactory.Create(options, interval ?? Interval, timeout ?? RequestTimeout, Time, State, (opened, length) => Changes.Add((opened, length)));
        }

        public FakeTimeProvider Time { get; } = new();

        public CircuitBreakerStateProvider State { get; } = new();

        public List<(bool Opened, TimeSpan Break)> Changes { get; } = [];

        public int Calls { get; private set; }

        /// <summary>One request: attempt k gets the k-th scripted error (null = the device answers; past the script it answers).</summary>
        public Task<Exception?> CallAsync(params Exception?[] attempts) =>
            RunAsync(index => Task.FromResult(index < attempts.Length ? attempts[index] : null));

        public Task<Exception?> ProbeAsync(Task<Exception?> attempt) => RunAsync(_ => attempt);

        private async Task<Exception?> RunAsync(Func<int, Task<Exception?>> attempt)
        {
            int index = 0;
            var context = ResilienceContextPool.Shared.Get();
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                async (_, _) =>
                {
                    Calls++;
                    var error = await attempt(index++);
                    return error is null ? Outcome.FromResult(true) : Outcome.FromException<bool>(error);
                },
                context,
                0);
            ResilienceContextPool.Shared.Return(context);
            return outcome.Exception;
        }
    }
}

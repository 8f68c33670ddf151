using CityBrain.Modbus;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Builds one device's Polly pipeline: a circuit breaker (outer) around a retry (inner), both reading
/// <see cref="ModbusException.IsTransient"/>. The breaker sees one outcome per request, after its retries.
/// <list type="bullet">
/// <item>Retry: transient errors other than a timeout (unless <see cref="ModbusResilienceOptions.RetryTimeouts"/>),
/// exponential with jitter; never while the breaker is half-open, so a probe is sent once.</item>
/// <item>Breaker: <c>FailureRatio</c> 1.0 with <c>MinimumThroughput</c> = <see cref="ModbusResilienceOptions.TimeoutsToOpen"/>:
/// it opens only when every request in the sampling window failed and there were at least that many, so one answer
/// in the window keeps it closed and an isolated timeout of an answering device never opens it. The window is sized
/// by <see cref="SamplingDuration"/>. Each failed probe doubles the break (<c>HalfOpenAttempts</c>) up to
/// <see cref="ModbusResilienceOptions.MaxBreakDuration"/>; Polly lets one probe through per break.</item>
/// </list>
/// </summary>
public static class DevicePipelineFactory
{
    /// <summary>Polly's bounds for a sampling window.</summary>
    private static readonly TimeSpan MinSampling = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxSampling = TimeSpan.FromDays(1);

    /// <param name="options">The device's retry and breaker settings.</param>
    /// <param name="pollInterval">How often the device is polled (sizes the breaker's window).</param>
    /// <param name="requestTimeout">The bus's per-request timeout (sizes the breaker's window).</param>
    /// <param name="timeProvider">Clock for retry delays, the window and the breaks.</param>
    /// <param name="state">Receives the breaker's state; the retry reads it to leave a probe alone.</param>
    /// <param name="onBreakerChange">Called when the breaker opens (true, the break) or closes (false, zero).</param>
    public static ResiliencePipeline Create(ModbusResilienceOptions options, TimeSpan pollInterval, TimeSpan requestTimeout, TimeProvider timeProvider, CircuitBreakerStateProvider state, Action<bool, TimeSpan>? onBreakerChange = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(state);
        options.Validate();
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            // A transient error is a failure; a permanent one (illegal address, protocol violation) shows the device
            // answers. A cancelled probe counts as a failed probe: Polly treats any unhandled outcome as a success,
            // which would close the breaker of a device that never answered.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
            {
                ModbusException error => error.IsTransient,
                OperationCanceledException => state.CircuitState == CircuitState.HalfOpen,
                _ => false,
            }),
            FailureRatio = 1.0,
            MinimumThroughput = options.TimeoutsToOpen,
            SamplingDuration = SamplingDuration(options, pollInterval, requestTimeout),
            BreakDuration = options.BreakDuration,
            BreakDurationGenerator = args => ValueTask.FromResult(BreakAfter(options, args.HalfOpenAttempts)),
            StateProvider = state,
            OnOpened = args =>
            {
                onBreakerChange?.Invoke(true, args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                onBreakerChange?.Invoke(false, TimeSpan.Zero);
                return ValueTask.CompletedTask;
            },
        });

        if (options.RetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is ModbusException { IsTransient: true } error
                    && (options.RetryTimeouts || !IsTimeout(error))
                    && state.CircuitState != CircuitState.HalfOpen),
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// The breaker's sampling window: 1.5 × (TimeoutsToOpen − 1) × (poll interval + longest failed request), at least
    /// Polly's 0.5 s. Derivation: a failed request takes at most the request timeout (times its attempts when
    /// timeouts are retried), and the device's next poll starts at most one interval after it ended (a poll that
    /// overruns waits for the next tick), so consecutive failures end at most <c>interval + request</c> apart and
    /// N of them span N − 1 such gaps, whatever the interval. Polly's rolling window drops whole tenths, so it
    /// reliably holds only 0.9 of its length; the 1.5 factor covers that plus jitter and waiting for the bus.
    /// It is also short enough that, for the default N = 2, the device's last answer (one gap plus a timeout before
    /// the first failure) has left the window by the second failure; for larger N it may take one failure more.
    /// </summary>
    public static TimeSpan SamplingDuration(ModbusResilienceOptions options, TimeSpan pollInterval, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = requestTimeout;
        if (options.RetryTimeouts)
        {
            request += (requestTimeout + options.RetryDelay * (1 << Math.Min(options.RetryAttempts, 10))) * options.RetryAttempts;
        }

        var gap = (pollInterval > TimeSpan.Zero ? pollInterval : TimeSpan.Zero) + request;
        double ticks = 1.5 * (options.TimeoutsToOpen - 1) * gap.Ticks;
        return ticks >= MaxSampling.Ticks ? MaxSampling : TimeSpan.FromTicks(Math.Max(MinSampling.Ticks, (long)ticks));
    }

    /// <summary>The break after the breaker opened from closed (0) or after <paramref name="failedProbes"/> failed probes: doubling, capped.</summary>
    public static TimeSpan BreakAfter(ModbusResilienceOptions options, int failedProbes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var length = options.BreakDuration;
        for (int i = 0; i < failedProbes && length < options.MaxBreakDuration; i++)
        {
            length *= 2;
        }

        return length < options.MaxBreakDuration ? length : options.MaxBreakDuration;
    }

    /// <summary>The device stayed silent (or its gateway says so): not worth retrying on a shared bus.</summary>
    public static bool IsTimeout(ModbusException error) =>
        error is ModbusTimeoutException or ModbusDeviceException { Code: ModbusExceptionCode.GatewayTargetDeviceFailedToRespond };
}

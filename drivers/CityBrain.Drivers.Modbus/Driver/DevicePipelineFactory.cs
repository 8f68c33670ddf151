using CityBrain.Modbus;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CityBrain.Drivers.Modbus;

/// <summary>Builds a device's Polly pipeline: retry (outer) around a circuit breaker (inner), both reading <see cref="ModbusException.IsTransient"/>.</summary>
public static class DevicePipelineFactory
{
    public static ResiliencePipeline Create(ModbusResilienceOptions options, TimeProvider timeProvider, Action<string>? onBreakerChange = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transient = new PredicateBuilder().Handle<ModbusException>(static e => e.IsTransient);
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.RetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = args =>
            {
                onBreakerChange?.Invoke($"circuit opened for {args.BreakDuration.TotalSeconds:0.#} s after {args.Outcome.Exception?.GetType().Name}");
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                onBreakerChange?.Invoke("circuit closed");
                return ValueTask.CompletedTask;
            },
        }).Build();
    }
}

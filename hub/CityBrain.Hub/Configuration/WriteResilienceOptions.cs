namespace CityBrain.Hub.Configuration;

/// <summary>Retries and circuit breaker around every database write. Retries never give up: data waits unacknowledged instead.</summary>
public sealed class WriteResilienceOptions
{
    /// <summary>First retry delay (exponential backoff with jitter from here).</summary>
    public int InitialRetryDelayMilliseconds { get; set; } = 200;

    /// <summary>Largest retry delay (also caps a server's Retry-After).</summary>
    public int MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>Failure ratio in the sampling window that opens the breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 4;

    public int BreakerSamplingSeconds { get; set; } = 10;

    /// <summary>How long the breaker stays open before one trial write.</summary>
    public int BreakerBreakSeconds { get; set; } = 5;
}

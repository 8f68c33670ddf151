namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Per-device retry and circuit breaker (a Polly pipeline, <see cref="DevicePipelineFactory"/>). Only errors the
/// stack classifies as transient are retried or counted by the breaker; permanent ones (illegal address, protocol
/// violation) become faults at once and show the device is alive. The defaults suit a shared RS-485 line, where
/// every request to a silent device holds the line for a full timeout and so takes time from its neighbours: a
/// timeout is not retried, two failed requests in a row open the breaker, and an open breaker lets one probe
/// through, less and less often while the device stays silent.
/// </summary>
public sealed record ModbusResilienceOptions
{
    /// <summary>Retries of one request after a transient error other than a timeout (CRC, busy, disconnected). Default 1.</summary>
    public int RetryAttempts { get; init; } = 1;

    /// <summary>
    /// Whether a timeout is retried too. Default false: a device that did not answer within the timeout rarely answers
    /// the same request at once, and on a shared bus the retry holds the line for another full timeout.
    /// </summary>
    public bool RetryTimeouts { get; init; }

    /// <summary>Base delay before a retry (exponential with jitter). Default 50 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Failed requests in a row (a timeout, or another transient error after its retries) that open the breaker
    /// (≥ 2, Polly's minimum throughput). Default 2. Timeouts and other transient failures share this count.
    /// </summary>
    public int TimeoutsToOpen { get; init; } = 2;

    /// <summary>How long an open breaker fails fast before one probe request (≥ 0.5 s). Default 15 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Each failed probe doubles the break, up to this (≤ 1 day). Default 2 min.</summary>
    public TimeSpan MaxBreakDuration { get; init; } = TimeSpan.FromMinutes(2);

    public static ModbusResilienceOptions Default { get; } = new();

    /// <summary>Throws when a value is outside its range, naming it.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(RetryAttempts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RetryAttempts, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RetryDelay, TimeSpan.FromMinutes(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(TimeoutsToOpen, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(BreakDuration, TimeSpan.FromMilliseconds(500));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBreakDuration, BreakDuration);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBreakDuration, TimeSpan.FromDays(1));
    }
}

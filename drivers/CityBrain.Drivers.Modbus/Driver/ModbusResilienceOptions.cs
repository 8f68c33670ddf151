namespace CityBrain.Drivers.Modbus;

/// <summary>
/// Per-device retry and circuit breaker (Polly). Only errors the stack classifies as transient are retried or
/// counted by the breaker; permanent ones (illegal address, protocol violation) become faults at once.
/// </summary>
public sealed record ModbusResilienceOptions
{
    /// <summary>Retries of one request after a transient error (0 = none). Default 1.</summary>
    public int RetryAttempts { get; init; } = 1;

    /// <summary>Base delay before a retry (exponential with jitter). Default 50 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Failure ratio within <see cref="SamplingDuration"/> that opens the breaker. Default 0.5.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Attempts needed in the window before the breaker may open (≥ 2). Default 3.</summary>
    public int MinimumThroughput { get; init; } = 3;

    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker fails fast before one probe request. Default 15 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    public static ModbusResilienceOptions Default { get; } = new();
}

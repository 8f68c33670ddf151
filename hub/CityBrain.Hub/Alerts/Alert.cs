namespace CityBrain.Hub.Alerts;

/// <summary>
/// One alert (immutable; every change makes a new copy): which rule fired where, the value that made it fire, and
/// its lifecycle raised → (acknowledged) → cleared.
/// </summary>
public sealed record Alert
{
    public required string Id { get; init; }

    public required string Rule { get; init; }

    public required string Kind { get; init; }

    public required string Severity { get; init; }

    /// <summary>See <see cref="AlertStates"/>.</summary>
    public required string State { get; init; }

    public required string Node { get; init; }

    public string? Sensor { get; init; }

    public string? Quantity { get; init; }

    public required string District { get; init; }

    public required string Grid { get; init; }

    public string? Street { get; init; }

    /// <summary>The value when raised, updated while active (threshold: the reading; stale/offline/gap: seconds or missing count).</summary>
    public double? Value { get; init; }

    public string? Unit { get; init; }

    /// <summary>Threshold rules: the raise level.</summary>
    public double? Threshold { get; init; }

    public required string Message { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset? ClearedAt { get; init; }

    public string? AckBy { get; init; }

    public DateTimeOffset? AckAt { get; init; }

    public bool IsActive => State != AlertStates.Cleared;
}

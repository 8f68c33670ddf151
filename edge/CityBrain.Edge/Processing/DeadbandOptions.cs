namespace CityBrain.Edge.Processing;

/// <summary>Settings of <see cref="Deadband"/>. At least one of <see cref="Absolute"/>, <see cref="Percent"/> is needed.</summary>
public sealed record DeadbandOptions
{
    /// <summary>Report when the value moved more than this (in the reading's unit) from the last reported value.</summary>
    public double? Absolute { get; init; }

    /// <summary>Report when the value moved more than this percentage of the last reported value's magnitude.</summary>
    public double? Percent { get; init; }

    /// <summary>Heartbeat: report at least this often while the sensor keeps reading. Null = no heartbeat.</summary>
    public TimeSpan? MaxSilent { get; init; }

    public void Validate()
    {
        if (Absolute is null && Percent is null)
        {
            throw new ArgumentException("DeadbandOptions sets neither absolute nor percent; set one, e.g. absolute 0.5.", nameof(Absolute));
        }

        if (Absolute is double a && (!double.IsFinite(a) || a < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Absolute), a, $"DeadbandOptions.{nameof(Absolute)} is {a}; use a finite number ≥ 0.");
        }

        if (Percent is double p && (!double.IsFinite(p) || p < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Percent), p, $"DeadbandOptions.{nameof(Percent)} is {p}; use a percentage ≥ 0, e.g. 2.");
        }

        if (MaxSilent is TimeSpan s && s <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxSilent), s, $"DeadbandOptions.{nameof(MaxSilent)} is {s}; use a positive interval (e.g. 300 s) or leave it out.");
        }
    }
}

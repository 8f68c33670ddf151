namespace CityBrain.Drivers.Gpio;

/// <summary>What a pulse counter saw over one reporting interval.</summary>
/// <param name="Count">Pulses counted in the interval (debounced, on the configured edge).</param>
/// <param name="Total">The running total after the interval (survives restarts).</param>
/// <param name="Observed">How long the input was watched in the interval (time the service was down excluded).</param>
/// <param name="Active">How long the input was held at its active level within <paramref name="Observed"/>.</param>
public readonly record struct PulseInterval(long Count, long Total, TimeSpan Observed, TimeSpan Active)
{
    /// <summary>Share of the observed time the input was active, in percent (0 when nothing was observed).</summary>
    public double OccupancyPercent => Observed > TimeSpan.Zero ? Math.Clamp(Active / Observed * 100.0, 0, 100) : 0;

    /// <summary><see cref="Count"/> per hour of observed time (null when nothing was observed).</summary>
    public double? PerHour => Observed > TimeSpan.Zero ? Count / Observed.TotalHours : null;
}

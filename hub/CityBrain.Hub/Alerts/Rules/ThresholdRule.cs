namespace CityBrain.Hub.Alerts;

/// <summary>A reading of <see cref="Quantity"/> above (or below) <see cref="Level"/>, cleared back past <see cref="ClearLevel"/>.</summary>
public sealed record ThresholdRule : AlertRule
{
    public override string Kind => AlertKinds.Threshold;

    public required string Quantity { get; init; }

    /// <summary>True when the value must go above <see cref="Level"/>, false for below.</summary>
    public bool Above { get; init; }

    public double Level { get; init; }

    /// <summary>The level the value must cross back to clear (equals <see cref="Level"/> without hysteresis).</summary>
    public double ClearLevel { get; init; }

    /// <summary>Whether the value raises (outside the raise level).</summary>
    public bool Raises(double value) => Above ? value > Level : value < Level;

    /// <summary>Whether the value clears (back past the clear level).</summary>
    public bool Clears(double value) => Above ? value < ClearLevel : value > ClearLevel;
}

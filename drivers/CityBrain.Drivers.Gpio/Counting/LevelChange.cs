namespace CityBrain.Drivers.Gpio;

/// <summary>A debounced change of an input's level.</summary>
/// <param name="High">The new level (raw, before <c>activeLow</c>).</param>
/// <param name="At">When the change began (the burst's first raw edge), in <see cref="TimeProvider.GetTimestamp"/> ticks.</param>
public readonly record struct LevelChange(bool High, long At);

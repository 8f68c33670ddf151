namespace CityBrain.Edge.Tests.Buffering;

/// <summary>
/// What a contract test asks of the buffer under test; each implementation maps it onto its own options (the disk
/// buffer turns the reading capacity into a byte cap, so its overflow is coarser but must be exactly counted).
/// </summary>
public sealed record BufferLimits
{
    public int CapacityReadings { get; init; } = 100_000;

    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    public TimeSpan LiveWindow { get; init; } = TimeSpan.FromSeconds(10);
}

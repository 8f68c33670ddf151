namespace CityBrain.Edge.Processing;

/// <summary>Settings of <see cref="WindowAggregate"/>.</summary>
public sealed record WindowAggregateOptions
{
    /// <summary>Window length; windows are aligned to multiples of it since the Unix epoch (60 s → whole minutes).</summary>
    public TimeSpan Length { get; init; } = TimeSpan.FromMinutes(1);

    public WindowOutputs Outputs { get; init; } = WindowOutputs.All;

    public void Validate()
    {
        if (Length < TimeSpan.FromMilliseconds(1) || Length > TimeSpan.FromDays(1) || Length.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Length), Length, $"WindowAggregateOptions.{nameof(Length)} is {Length}; use whole milliseconds from 1 ms to 1 day, e.g. 60 s.");
        }

        if (Outputs == WindowOutputs.None || (Outputs & ~WindowOutputs.All) != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Outputs), Outputs, $"WindowAggregateOptions.{nameof(Outputs)} is {Outputs}; choose one or more of min, max, mean, count.");
        }
    }
}

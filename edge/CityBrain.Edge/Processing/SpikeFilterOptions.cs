namespace CityBrain.Edge.Processing;

/// <summary>Settings of <see cref="SpikeFilter"/>.</summary>
public sealed record SpikeFilterOptions
{
    /// <summary>How many previous values the median is taken over (3..101). Default 5.</summary>
    public int Window { get; init; } = 5;

    /// <summary>A value further than this from the median (in the reading's unit) is a spike.</summary>
    public double MaxDeviation { get; init; }

    public SpikeAction Action { get; init; } = SpikeAction.Reject;

    public void Validate()
    {
        if (Window is < 3 or > 101)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, $"SpikeFilterOptions.{nameof(Window)} is {Window}; use 3 to 101 values, e.g. 5.");
        }

        if (!double.IsFinite(MaxDeviation) || MaxDeviation <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDeviation), MaxDeviation, $"SpikeFilterOptions.{nameof(MaxDeviation)} is {MaxDeviation}; use a positive deviation in the reading's unit, e.g. 10.");
        }

        if (!Enum.IsDefined(Action))
        {
            throw new ArgumentOutOfRangeException(nameof(Action), Action, $"SpikeFilterOptions.{nameof(Action)} is {Action}; use Reject or MarkUncertain.");
        }
    }
}

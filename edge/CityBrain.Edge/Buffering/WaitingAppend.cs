using CityBrain.Sensing;

namespace CityBrain.Edge.Buffering;

/// <summary>An append held back while the pending group is full; admitted in call order by the writer loop.</summary>
internal sealed class WaitingAppend(Reading[] readings)
{
    public Reading[] Readings { get; } = readings;

    /// <summary>Completes with the admitted group's durability task.</summary>
    public TaskCompletionSource<Task> Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

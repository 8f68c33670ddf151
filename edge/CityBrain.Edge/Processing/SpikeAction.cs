namespace CityBrain.Edge.Processing;

/// <summary>What <see cref="SpikeFilter"/> does with a spike.</summary>
public enum SpikeAction
{
    /// <summary>Drop the reading.</summary>
    Reject = 0,

    /// <summary>Pass it on marked <see cref="Sensing.Quality.Uncertain"/>.</summary>
    MarkUncertain = 1,
}

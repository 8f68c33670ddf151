namespace CityBrain.Drivers.Gpio;

/// <summary>
/// What a pulse counter keeps across restarts (one entry of the node's <c>DurableStateStore</c>): the running total,
/// the part of it already reported, the unreported interval's watched and active time (a clean stop saves those so
/// the first interval after the restart carries them), when it was saved and whether the stop was clean.
/// </summary>
public sealed record CounterState
{
    public int V { get; set; } = 1;

    /// <summary>The mode the counts belong to: counts of another mode are not carried over.</summary>
    public string Mode { get; set; } = "";

    public long Total { get; set; }

    public long Reported { get; set; }

    public double PendingObservedMs { get; set; }

    public double PendingActiveMs { get; set; }

    /// <summary>Unix milliseconds of the save: the service watched the input until (at least) then.</summary>
    public long SavedAtMs { get; set; }

    /// <summary>True when saved by a clean stop (nothing counted after it); false for a periodic save.</summary>
    public bool Clean { get; set; }
}

namespace CityBrain.Sensing.Hosting;

/// <summary>
/// One thing the <see cref="PipelineWatchdog"/> watches: a counter that must move within <paramref name="StallAfter"/>
/// for as long as <paramref name="Expected"/> says work is waiting (e.g. readings queued for the appender).
/// </summary>
/// <param name="Name">What is stuck, in words a technician reads in the journal.</param>
/// <param name="Progress">A counter that advances when the component finishes a unit of work.</param>
/// <param name="Expected">True while the component has work; a stall is counted only while it stays true.</param>
/// <param name="StallAfter">How long the counter may stand still while work is waiting.</param>
public sealed record LivenessProbe(string Name, Func<long> Progress, Func<bool> Expected, TimeSpan StallAfter)
{
    /// <summary>A counter that must always move (a sensor runner finishes a poll every interval, fault or not).</summary>
    public static LivenessProbe Always(string name, Func<long> progress, TimeSpan stallAfter) => new(name, progress, static () => true, stallAfter);
}

namespace CityBrain.Sensing;

/// <summary>
/// A pure pipeline stage between a driver and the buffer: it sees each reading once and emits zero or more
/// (range check sets quality, deadband drops, a window aggregates). Stages are per sensor and single-threaded.
/// </summary>
public interface IReadingProcessor
{
    /// <summary>Handles one reading; emits 0..n readings into <paramref name="output"/>.</summary>
    void Process(in Reading reading, IReadingCollector output);

    /// <summary>
    /// Called on every poll tick (also when the poll produced nothing) so time-driven stages can emit:
    /// a heartbeat after the maximum silent interval, a window that has closed.
    /// </summary>
    void Tick(DateTimeOffset now, IReadingCollector output);
}

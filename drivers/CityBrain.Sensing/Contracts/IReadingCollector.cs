namespace CityBrain.Sensing;

/// <summary>
/// Receives what a poll produced: readings and faults side by side, so one bad channel never loses the rest of a
/// poll (telegraf's Accumulator). Implementations are not required to be thread-safe; a driver calls its collector
/// from one poll at a time.
/// </summary>
public interface IReadingCollector
{
    void Add(in Reading reading);

    void AddFault(SensorFault fault);
}

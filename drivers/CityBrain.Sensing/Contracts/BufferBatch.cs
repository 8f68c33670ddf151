namespace CityBrain.Sensing;

/// <summary>
/// Readings taken out of a buffer for delivery. They stay in the buffer (in flight) until
/// <see cref="IReadingBuffer.EndBatchAsync"/> says how many were accepted.
/// </summary>
public sealed class BufferBatch
{
    public BufferBatch(long id, BufferLane lane, IReadOnlyList<SequencedReading> readings)
    {
        Id = id;
        Lane = lane;
        Readings = readings;
    }

    /// <summary>Buffer-local id of the batch.</summary>
    public long Id { get; }

    public BufferLane Lane { get; }

    /// <summary>The readings in sequence order.</summary>
    public IReadOnlyList<SequencedReading> Readings { get; }

    public int Count => Readings.Count;

    public bool IsEmpty => Readings.Count == 0;
}

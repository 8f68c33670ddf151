namespace CityBrain.Sensing;

/// <summary>Takes event-born readings from an <see cref="IEventSensorDriver"/>; thread-safe, never blocks.</summary>
public interface IEventSink
{
    /// <summary>Queues a reading; false when the bounded queue was full (the reading is counted as dropped).</summary>
    bool TryPush(in Reading reading);

    /// <summary>Reports a fault seen between polls (the input could not be watched).</summary>
    void PushFault(SensorFault fault);
}

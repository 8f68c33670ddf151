namespace CityBrain.Hub.Configuration;

/// <summary>Queue and batch sizes between MQTT and the database writers.</summary>
public sealed class BatchingOptions
{
    /// <summary>Lines per write request (InfluxDB recommends about 5000).</summary>
    public int MaxLines { get; set; } = 5000;

    /// <summary>
    /// Longest a batch keeps filling while every writer is busy. A batch is handed over at once when it is full or
    /// when the queue is empty and a writer is free, so a quiet hub never waits for this.
    /// </summary>
    public int MaxDelayMilliseconds { get; set; } = 100;

    /// <summary>Bound of the queue between the MQTT receiver and the writers, in telemetry messages; when full the receiver waits.</summary>
    public int QueueCapacity { get; set; } = 1000;
}

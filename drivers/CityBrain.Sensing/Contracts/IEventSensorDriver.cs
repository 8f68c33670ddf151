namespace CityBrain.Sensing;

/// <summary>
/// A driver whose readings are born when something happens (a bin lid opens, a cabinet door is forced, a PIR sees
/// someone), not only when polled. The runner calls <see cref="WatchAsync"/> once and keeps polling on the interval
/// as the heartbeat (the periodic state reading), so a dead input still shows as a stale sensor.
/// </summary>
public interface IEventSensorDriver : ISensorDriver
{
    /// <summary>
    /// Watches until cancelled and hands every event-born reading to <paramref name="sink"/> as it happens. Called
    /// once per run; the sink is thread-safe and never blocks (edge callbacks run on the hardware library's thread).
    /// </summary>
    Task WatchAsync(IEventSink sink, CancellationToken cancellationToken);
}

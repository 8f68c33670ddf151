namespace CityBrain.Sensing.Drivers;

/// <summary>The fields every sensor entry has, whatever its driver, and where the entry is in its file.</summary>
/// <param name="Id">The sensor's id within the node.</param>
/// <param name="Driver">The driver's registered name.</param>
/// <param name="Path">JSON pointer of the entry (<c>/sensors/3</c>), for errors.</param>
/// <param name="Interval">Poll interval (for an event-driven driver: its heartbeat).</param>
/// <param name="Timeout">How long one poll may take.</param>
/// <param name="TimeoutConfigured">True when the entry set <c>timeoutMs</c> (else <paramref name="Timeout"/> follows the interval).</param>
public sealed record SensorSpec(string Id, string Driver, string Path, TimeSpan Interval, TimeSpan Timeout, bool TimeoutConfigured = false);

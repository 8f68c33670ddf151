namespace CityBrain.Sensing;

/// <summary>
/// A failed read. A failed read is data: it is counted, reported in the node's health and never replaced by a
/// stale value or NaN.
/// </summary>
/// <param name="Sensor">The sensor's id within its node.</param>
/// <param name="Code">A stable reason code from <see cref="FaultCodes"/>.</param>
/// <param name="Message">A human-readable detail (device, register, exception text).</param>
/// <param name="Timestamp">When the read failed.</param>
/// <param name="Transient">True when retrying may help (timeout, CRC, busy); false for configuration or protocol errors.</param>
public sealed record SensorFault(string Sensor, string Code, string Message, DateTimeOffset Timestamp, bool Transient = true);

namespace CityBrain.Drivers.Serial;

/// <summary>A checked <c>pm-serial</c> sensor.</summary>
/// <param name="SensorId">The sensor's id.</param>
/// <param name="Format"><c>sds011</c> or <c>pms5003</c>.</param>
/// <param name="Port">The serial device (<c>/dev/ttyAMA0</c>, <c>/dev/ttyUSB0</c>).</param>
/// <param name="BaudRate">9600 for both sensors.</param>
/// <param name="ReadTimeout">How long one read waits, and how long a poll waits for a new frame.</param>
public sealed record PmSerialOptions(string SensorId, string Format, string Port, int BaudRate, TimeSpan ReadTimeout)
{
    /// <summary>A parser for <see cref="Format"/>.</summary>
    public PmFrameParser CreateParser() => Format == "pms5003" ? new Pms5003FrameParser() : new Sds011FrameParser();
}

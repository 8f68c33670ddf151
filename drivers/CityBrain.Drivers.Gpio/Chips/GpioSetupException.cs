namespace CityBrain.Drivers.Gpio;

/// <summary>
/// A GPIO sensor that cannot be set up on this machine's hardware (no such chip or pin, a pull the chip cannot do); the
/// driver definition turns it into a <c>ConfigError</c> at <see cref="Field"/> of the sensor's entry.
/// </summary>
public sealed class GpioSetupException : Exception
{
    public GpioSetupException(string field, object? value, string problem, string fix, Exception? inner = null)
        : base(problem, inner)
    {
        Field = field;
        Value = value;
        Fix = fix;
    }

    public GpioSetupException()
        : this("", null, "GPIO setup failed", "")
    {
    }

    public GpioSetupException(string message)
        : this("", null, message, "")
    {
    }

    public GpioSetupException(string message, Exception innerException)
        : this("", null, message, "", innerException)
    {
    }

    /// <summary>The sensor field at fault (<c>pin</c>, <c>chip</c>, <c>pull</c>, <c>library</c>).</summary>
    public string Field { get; }

    public object? Value { get; }

    public string Fix { get; }
}

using System.Device.Gpio;

namespace CityBrain.Drivers.Gpio;

/// <summary>A checked GPIO sensor, ready to open: what both driver kinds (counters and state inputs) are built from.</summary>
/// <param name="SensorId">The sensor's id.</param>
/// <param name="Profile">Its mode's profile (quantities).</param>
/// <param name="Chip">The opened chip.</param>
/// <param name="Pin">The line offset on the chip.</param>
/// <param name="Pull">Input mode with the pull resistor.</param>
/// <param name="ActiveLow">Active at the low level.</param>
/// <param name="Debounce">Stability required before a change counts.</param>
public sealed record GpioSensorSetup(string SensorId, GpioModeProfile Profile, GpioChipHandle Chip, int Pin, PinMode Pull, bool ActiveLow, TimeSpan Debounce)
{
    /// <summary>The facts every GPIO sensor shows in its health detail.</summary>
    public Dictionary<string, string> BaseDiagnostics() => new(StringComparer.Ordinal)
    {
        ["chip"] = Chip.Chip,
        ["driver"] = Chip.Driver,
        ["pin"] = Pin.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["mode"] = Profile.Name,
        ["pull"] = Pull switch { PinMode.InputPullUp => "up", PinMode.InputPullDown => "down", _ => "none" },
        ["debounce_ms"] = Debounce.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A wall-clock time for health detail: ISO 8601 UTC with milliseconds.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The wall-clock time of <paramref name="ticks"/> (a <see cref="TimeProvider.GetTimestamp"/> value of <paramref name="time"/>).</summary>
    public static DateTimeOffset WallTime(TimeProvider time, long ticks) => time.GetUtcNow() - time.GetElapsedTime(ticks);
}

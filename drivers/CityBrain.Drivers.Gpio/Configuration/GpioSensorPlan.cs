using System.Device.Gpio;
using CityBrain.Sensing.Drivers;

namespace CityBrain.Drivers.Gpio;

/// <summary>A GPIO sensor's fields with the mode's defaults applied: what is checked and then built.</summary>
internal sealed record GpioSensorPlan(
    GpioModeProfile Profile,
    int Pin,
    GpioChipRequest Chip,
    GpioLibrary Library,
    PinMode Pull,
    bool ActiveLow,
    bool CountRising,
    bool CountFalling,
    TimeSpan Debounce,
    double UnitsPerPulse)
{
    /// <summary>The plan of fields that passed <see cref="GpioDriverDefinition"/>'s checks.</summary>
    public static GpioSensorPlan From(GpioSensorFields f)
    {
        var profile = GpioModeProfile.Find(f.Mode) ?? throw new ArgumentException($"unknown mode '{f.Mode}'", nameof(f));
        bool activeLow = f.ActiveLow ?? profile.ActiveLow;
        var (rising, falling) = f.Edge switch
        {
            "rising" => (true, false),
            "falling" => (false, true),
            "both" => (true, true),
            _ => (!activeLow, activeLow), // the edge into the active level
        };
        return new GpioSensorPlan(
            profile,
            f.Pin,
            GpioChipRequest.Parse(f.Chip, out _) ?? GpioChipRequest.Auto,
            GpioLibraryProbe.Parse(f.Library) ?? GpioLibrary.Auto,
            ParsePull(f.Pull) ?? profile.Pull,
            activeLow,
            rising,
            falling,
            TimeSpan.FromMilliseconds(f.DebounceMs ?? profile.DebounceMs),
            profile.Mode switch
            {
                GpioMode.RainGauge => f.MmPerTip ?? 0,
                GpioMode.FlowMeter => f.LitresPerPulse ?? 0,
                _ => 1,
            });
    }

    public static PinMode? ParsePull(string? pull) => pull switch
    {
        "up" => PinMode.InputPullUp,
        "down" => PinMode.InputPullDown,
        "none" => PinMode.Input,
        _ => null,
    };

    public GpioSensorSetup ToSetup(SensorSpec spec, GpioChipHandle chip) => new(spec.Id, Profile, chip, Pin, Pull, ActiveLow, Debounce);
}

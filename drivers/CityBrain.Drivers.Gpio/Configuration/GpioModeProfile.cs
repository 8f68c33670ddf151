using System.Device.Gpio;
using CityBrain.Sensing;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// A mode's name in the configuration, its defaults and what it reports. The defaults fit the usual wiring (README):
/// dry contacts and open-collector outputs switch to ground against a pull-up; a PIR drives its output high.
/// </summary>
/// <param name="Mode">The mode.</param>
/// <param name="Name">Its value in the <c>mode</c> field.</param>
/// <param name="IsCounter">True for pulse counters, false for state inputs (pushed on change).</param>
/// <param name="Pull">Default pull resistor.</param>
/// <param name="ActiveLow">Default: the input is active at the low level.</param>
/// <param name="DebounceMs">Default debounce.</param>
/// <param name="Quantities">What the sensor reports, in order.</param>
public sealed record GpioModeProfile(GpioMode Mode, string Name, bool IsCounter, PinMode Pull, bool ActiveLow, double DebounceMs, IReadOnlyList<QuantityInfo> Quantities)
{
    public static IReadOnlyList<GpioModeProfile> All { get; } =
    [
        // Loop detector / radar outputs: relay or open collector, closed while a vehicle is over the loop.
        new(GpioMode.VehicleLoop, "vehicle-loop", true, PinMode.InputPullUp, true, 20, [new(GpioQuantities.VehicleCount, "count"), new(GpioQuantities.Occupancy, "%")]),
        // Reed switch closed for ~100 ms per tip; reed contacts bounce for a few ms.
        new(GpioMode.RainGauge, "rain-gauge", true, PinMode.InputPullUp, true, 25, [new(GpioQuantities.Rainfall, "mm"), new(GpioQuantities.RainRate, "mm/h")]),
        // Hall-effect open collector: no bounce, up to several hundred Hz, so a short debounce.
        new(GpioMode.FlowMeter, "flow-meter", true, PinMode.InputPullUp, true, 0.5, [new(GpioQuantities.Flow, "L/min"), new(GpioQuantities.Volume, "L")]),
        new(GpioMode.Counter, "counter", true, PinMode.InputPullUp, true, 10, [new(GpioQuantities.PulseCount, "count"), new(GpioQuantities.PulseTotal, "count")]),
        // Contacts held closed by a magnet while the lid/door is shut: open (or a cut wire) reads high.
        new(GpioMode.BinLid, "bin-lid", false, PinMode.InputPullUp, false, 50, [new(GpioQuantities.LidOpen, "bool")]),
        new(GpioMode.CabinetDoor, "cabinet-door", false, PinMode.InputPullUp, false, 50, [new(GpioQuantities.DoorOpen, "bool")]),
        // HC-SR501 and alike drive their output high while they see motion.
        new(GpioMode.Pir, "pir", false, PinMode.InputPullDown, false, 20, [new(GpioQuantities.Presence, "bool")]),
    ];

    public static GpioModeProfile? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    public static GpioModeProfile Of(GpioMode mode) => All.First(p => p.Mode == mode);

    public static string Names => string.Join(", ", All.Select(p => p.Name));
}

using System.Text.Json;

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// A GPIO sensor's fields in the node configuration, e.g.
/// <c>{"driver": "gpio", "mode": "rain-gauge", "pin": 17, "mmPerTip": 0.2}</c>. Fields left out take the mode's
/// defaults (<see cref="GpioModeProfile"/>).
/// </summary>
public sealed record GpioSensorFields
{
    /// <summary><c>vehicle-loop</c>, <c>rain-gauge</c>, <c>flow-meter</c>, <c>counter</c>, <c>bin-lid</c>, <c>cabinet-door</c> or <c>pir</c>.</summary>
    public string Mode { get; set; } = "";

    /// <summary>Line offset on the chip (on a Raspberry Pi header chip: the BCM GPIO number, not the header pin).</summary>
    public int Pin { get; set; } = -1;

    /// <summary>The chip: its label (<c>"pinctrl-rp1"</c>), its number (<c>0</c> or <c>"0"</c>), or absent for the Pi header chip found by label.</summary>
    public JsonElement? Chip { get; set; }

    /// <summary><c>auto</c>, <c>libgpiod</c> (v1 ABI), <c>libgpiod2</c> (v2 ABI) or <c>sysfs</c>.</summary>
    public string Library { get; set; } = "auto";

    /// <summary><c>up</c>, <c>down</c> or <c>none</c>; null: the mode's default.</summary>
    public string? Pull { get; set; }

    /// <summary>True when the input is active (vehicle present, lid open, …) at the low level; null: the mode's default.</summary>
    public bool? ActiveLow { get; set; }

    /// <summary>Counters: which raw edge counts (<c>rising</c>, <c>falling</c>, <c>both</c>); null: the edge into the active level.</summary>
    public string? Edge { get; set; }

    /// <summary>How long the level must stay put before a change counts (contact bounce); null: the mode's default.</summary>
    public double? DebounceMs { get; set; }

    /// <summary>Rain gauge: millimetres of rain per bucket tip (the gauge's calibration, e.g. 0.2).</summary>
    public double? MmPerTip { get; set; }

    /// <summary>Flow meter: litres per pulse (e.g. 1/450 for a YF-S201 at 7.5 Hz per L/min).</summary>
    public double? LitresPerPulse { get; set; }
}

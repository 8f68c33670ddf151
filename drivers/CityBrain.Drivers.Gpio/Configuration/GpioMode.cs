namespace CityBrain.Drivers.Gpio;

/// <summary>What a GPIO input is wired to; decides whether it counts pulses or reports a state, and its quantities.</summary>
public enum GpioMode
{
    /// <summary>A loop detector's or traffic radar's count output: vehicles per interval and occupancy.</summary>
    VehicleLoop,

    /// <summary>A tipping-bucket rain gauge's reed switch: rainfall per interval and rain rate.</summary>
    RainGauge,

    /// <summary>A pulse-output flow meter: flow (L/min) and the running volume (L).</summary>
    FlowMeter,

    /// <summary>Any pulse output: pulses per interval and the running total.</summary>
    Counter,

    /// <summary>A waste bin's lid switch: <c>lid_open</c> pushed on each change.</summary>
    BinLid,

    /// <summary>A street cabinet's door (tamper) contact: <c>door_open</c> pushed on each change.</summary>
    CabinetDoor,

    /// <summary>A PIR motion sensor's output: <c>presence</c> pushed on each change.</summary>
    Pir,
}

namespace CityBrain.Drivers.Gpio;

/// <summary>
/// Quantity names the GPIO driver reports (docs/mqtt-contract.md, quantity catalogue). <c>vehicle_count</c>,
/// <c>occupancy</c>, <c>rain_rate</c> and <c>lid_open</c> are in the catalogue; the others are proposed by this driver.
/// </summary>
public static class GpioQuantities
{
    public const string VehicleCount = "vehicle_count";
    public const string Occupancy = "occupancy";
    public const string Rainfall = "rainfall";
    public const string RainRate = "rain_rate";
    public const string Flow = "flow";
    public const string Volume = "volume";
    public const string PulseCount = "pulse_count";
    public const string PulseTotal = "pulse_total";
    public const string LidOpen = "lid_open";
    public const string DoorOpen = "door_open";
    public const string Presence = "presence";
}
